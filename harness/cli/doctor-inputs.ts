import { spawnSync } from 'node:child_process';
import { UsageError } from '../core/index.js';
import { isOwnDatabase, loadConfig, ownNames, readServerConfig } from '../runtime/index.js';
import { findScenario, loadScenarios } from '../scenario/index.js';
import { compressionOf, planDataset, refuseClashes, type DatasetSource } from '../workload/index.js';
import { datasetFrom, type DatasetFlags } from './dataset-options.js';

/**
 * doctor's checks of a drill's inputs besides engine and images: the config file, the drill folders, every suite's
 * drills and dataset and server configuration, the dataset and server configuration given on the command line, the
 * host tools they need (zstd). Each line: `ok`, `MISS` (a drill would exit 2), with the fix.
 */
export async function doctorInputs(flags: DatasetFlags): Promise<{ lines: string[]; ok: boolean }> {
  const lines: string[] = [];
  let ok = true;
  const fail = (m: string) => {
    ok = false;
    lines.push(`MISS  ${m}`);
  };
  const tryIt = async (what: string, fn: () => Promise<string | undefined>) => {
    try {
      const r = await fn();
      lines.push(`ok    ${what}${r ? `: ${r}` : ''}`);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      fail(`${what}: ${e.message}`);
    }
  };
  let cfgOk = true;
  await tryIt('config', async () => {
    try {
      const c = loadConfig();
      return c.source
        ? `${c.source} (own schema ${c.ownSchema}, accounts ${c.accounts.admin}/${c.accounts.replication})`
        : 'no firedrill.config.json (defaults)';
    } catch (e) {
      cfgOk = false;
      throw e;
    }
  });
  if (!cfgOk) return { lines, ok };
  await tryIt(
    'drills',
    async () =>
      `${(await loadScenarios()).length} (scenarios/${loadConfig().drillFolders.length ? ` and ${loadConfig().drillFolders.join(', ')}` : ''})`,
  );
  const checkDataset = async (label: string, src: DatasetSource | undefined) => {
    await tryIt(label, async () => {
      const plan = await planDataset(src ?? { kind: 'sakila' });
      const own = ownNames();
      refuseClashes(plan, { isOwnDatabase: (db) => isOwnDatabase(own, db), accounts: [own.admin, own.repl] });
      for (const f of plan.files) {
        const { openSync, readSync, closeSync } = await import('node:fs');
        const fd = openSync(f, 'r');
        const b = Buffer.alloc(4);
        readSync(fd, b, 0, 4, 0);
        closeSync(fd);
        if (compressionOf(b) === 'zstd' && spawnSync('zstd', ['--version']).status !== 0)
          throw new UsageError(`${f} is zstd-compressed and no zstd is installed (apt-get install zstd)`);
      }
      return `${plan.name} from ${plan.origin}: ${plan.databases.join(', ') || 'no database'} (${plan.tables.length} tables)`;
    });
  };
  await checkDataset(flags.dataset ? `dataset ${flags.dataset}` : 'dataset sakila (the default)', datasetFrom(flags));
  if (flags['server-config'])
    await tryIt(
      `server config ${flags['server-config']}`,
      async () => `${(await readServerConfig(flags['server-config']!)).options.length} server options`,
    );
  for (const [name, s] of Object.entries(loadConfig().suites)) {
    await tryIt(`suite ${name}`, async () => {
      for (const d of s.drills) await findScenario(d.scenario);
      return `${s.drills.length} drills`;
    });
    if (s.dataset && !s.dataset.startsWith('mysql://'))
      await checkDataset(`suite ${name} dataset`, datasetFrom({ dataset: s.dataset, rows: s.rows?.toString() }));
    if (s.serverConfig)
      await tryIt(`suite ${name} server config`, async () => `${(await readServerConfig(s.serverConfig!)).options.length} server options`);
  }
  return { lines, ok };
}
