import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlavorId } from '../../harness/core/index.js';
import {
  NodeDefinition,
  openTopologyContext,
  parseServerConfig,
  projectRoot,
  RunContext,
  type StartedNode,
  type TopologyContext,
} from '../../harness/runtime/index.js';
import {
  largestStatementBytes,
  renderScaleDump,
  SCALE_DEFAULTS,
  scaleRowMutation,
  type ScaleSpec,
} from '../../harness/sql/corpus/scale.js';
import { datasetSource, loadDataset, planDataset } from '../../harness/workload/index.js';
import { physicalBackup, type TeamServer } from '../docker/corpus-kit.js';
import { diffsOf } from '../docker/corpus-known-findings.js';
import { leftovers } from '../docker/helpers.js';

/**
 * The corpus at size (issue 19): a database of 10,000 tables and one of a few very wide tables (250 VARCHAR(256)
 * columns: rows near InnoDB's 65,535-byte limit, and a LONGBLOB of 20 MiB, past the default max_allowed_packet of
 * 16 MiB). Through `firedrill snapshot` + `restore-test --expect` of the physical backup and dump/load + `firedrill
 * verify`: each completes within its stated deadline, with progress shown, equal copies read equal, and one changed row
 * in table 9,999 is named. Each step prints its wall time and firedrill's peak RSS (docs/corpus.md, "At size").
 * FIREDRILL_SCALE_TABLES / FIREDRILL_SCALE_BLOB_MB make it smaller for a quick look; FIREDRILL_SCALE_FLAVORS picks flavors.
 */
const TABLES = Number(process.env.FIREDRILL_SCALE_TABLES ?? SCALE_DEFAULTS.tables);
const BLOB = Math.round(Number(process.env.FIREDRILL_SCALE_BLOB_MB ?? 20) * 1024 * 1024);
const FLAVORS = (process.env.FIREDRILL_SCALE_FLAVORS ?? 'mariadb-10.11,mysql-9.7').split(',') as FlavorId[];
/** The stated deadline of each step (load, snapshot, restore-test, dump, verify) at 10,000 tables on 2 shared cores. */
const STEP_DEADLINE_MS = 20 * 60_000;
/** The team's option that lets the BLOBs in (the same file goes to restore-test --server-config). */
const SERVER_CNF = '[mysqld]\nmax_allowed_packet = 64M\n';

interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssMb: number;
}

/** The CLI as a user runs it, under /usr/bin/time: its exit, output, wall time and peak RSS; progress lines echoed. */
function measuredCli(step: string, args: string[], env: Record<string, string> = {}): Promise<Measured> {
  return new Promise((res, rej) => {
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'fd-measured %e %M', process.execPath, resolve(projectRoot, 'bin/firedrill.mjs'), ...args],
      {
        cwd: projectRoot,
        env: { ...process.env, ...env },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    let shown = 0;
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      // whole lines only (a chunk may end mid-line)
      const end = stderr.lastIndexOf('\n') + 1;
      for (const l of stderr.slice(shown, end).split('\n')) if (l.trim() && !l.startsWith('fd-measured')) console.log(`[${step}] ${l}`);
      shown = Math.max(shown, end);
    });
    child.on('error', rej);
    child.on('close', (code) => {
      const m = /fd-measured ([\d.]+) (\d+)/.exec(stderr);
      const r = { code, stdout, stderr, seconds: Number(m?.[1] ?? NaN), peakRssMb: Math.round(Number(m?.[2] ?? NaN) / 1024) };
      console.log(`[${step}] exit ${code}, ${r.seconds} s, peak RSS ${r.peakRssMb} MB`);
      res(r);
    });
  });
}

const timed = async <T>(step: string, f: () => Promise<T>): Promise<T> => {
  const t0 = Date.now();
  const r = await f();
  console.log(`[${step}] ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
};

async function writeScaleDump(spec: ScaleSpec, file: string): Promise<void> {
  const out = createWriteStream(file);
  for (const chunk of renderScaleDump(spec)) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

const dsn = (ctx: TopologyContext, node: StartedNode) => `mysql://${ctx.creds.admin}:\${FD_SCALE_PW}@${node.address}:3306`;
const failedObjects = (stdout: string) => {
  const r = JSON.parse(stdout) as { checks: Array<{ name: string; valid: boolean; details: Record<string, unknown> }> };
  return diffsOf(r.checks).map((d) => `${d.check} ${d.database ?? ''}.${d.object ?? ''} ${d.kind ?? ''}`);
};

describe.each(FLAVORS)('the corpus at size on %s', (flavor) => {
  const spec: ScaleSpec = { ...SCALE_DEFAULTS, seed: 20261207, tables: TABLES, blobBytes: BLOB };
  let dir: string;
  let run: RunContext;
  let ctx: TopologyContext;
  let team: StartedNode;
  let env: Record<string, string>;
  let state: string;
  let cnf: string;
  const mutation = scaleRowMutation(spec);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-scale-'));
    const file = join(dir, 'scale.sql');
    await timed('write dump', () => writeScaleDump(spec, file));
    cnf = join(dir, 'team.cnf');
    await writeFile(cnf, SERVER_CNF);
    expect(largestStatementBytes(spec)).toBeLessThan(64 * 1024 * 1024);
    run = new RunContext();
    ctx = await openTopologyContext(run, flavor, (m) => console.log(`[setup] ${m}`));
    ctx.serverConfig = { cfg: parseServerConfig(SERVER_CNF, cnf), overrides: {}, applied: {} };
    team = await new NodeDefinition(ctx, { name: 'team-db', server: { serverId: 1 } }).start();
    env = { FD_SCALE_PW: ctx.creds.adminPassword };
    await timed('load', async () => loadDataset(team, await planDataset(datasetSource(file)), (m) => console.log(`[load] ${m}`)));
    state = join(dir, 'state.json');
    const s = await measuredCli('snapshot', ['snapshot', '--source', dsn(ctx, team), '--out', state], env);
    expect(s.code, s.stderr.slice(-1500)).toBe(0);
  }, 2 * STEP_DEADLINE_MS);
  afterAll(async () => {
    await run?.teardown();
    if (run) expect(await leftovers(run.runId)).toEqual([]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const teamOf = (): TeamServer => ({ run, ctx, node: team, env, snapshot: () => Promise.reject(new Error('not used')) });

  it(
    'dump/load + verify: the copy reads equal, then one changed row in table 9,999 is named (exit 1)',
    async () => {
      const copy = await new NodeDefinition(ctx, { name: 'copy-db', server: { serverId: 2 } }).start();
      const tool = team.adapter.physicalBackup === 'mariabackup' ? 'mariadb-dump' : 'mysqldump';
      await timed('dump', () =>
        team.container.exec([
          'sh',
          '-c',
          `${tool} --max-allowed-packet=1G --single-transaction --databases ${spec.manyDb} ${spec.wideDb} > /tmp/scale-dump.sql`,
        ]),
      );
      const out = join(dir, 'scale-dump.sql');
      await team.container.copyOut('/tmp/scale-dump.sql', out);
      await timed('load dump', async () =>
        loadDataset(copy, await planDataset(datasetSource(out)), (m) => console.log(`[load dump] ${m}`)),
      );
      const args = ['verify', '--json', '--timeout', '10m', '--source', dsn(ctx, team), '--target', dsn(ctx, copy)];
      const equal = await measuredCli('verify equal', args, env);
      expect(equal.code, `${equal.stdout.slice(-3000)}${equal.stderr.slice(-1500)}`).toBe(0);
      await copy.query({ sql: mutation.sql });
      const changed = await measuredCli('verify one row changed', args, env);
      expect(changed.code, changed.stderr.slice(-1500)).toBe(1);
      const failed = failedObjects(changed.stdout);
      expect(failed.length, failed.join('\n')).toBe(1);
      expect(failed[0]).toContain(`${spec.manyDb}.${mutation.table}`);
    },
    3 * STEP_DEADLINE_MS,
  );

  it(
    'snapshot + restore-test --expect of the physical backup: equal, then one changed row in table 9,999 is named (exit 1)',
    async () => {
      const rt = async (step: string, artifact: string) =>
        measuredCli(step, [
          'restore-test',
          '--json',
          '--artifact',
          artifact,
          '--flavor',
          flavor,
          '--expect',
          state,
          '--server-config',
          cnf,
        ]);
      const full = await timed('physical backup', () => physicalBackup(teamOf(), dir, 'full'));
      const equal = await rt('restore-test equal', full);
      expect(equal.code, `${equal.stdout.slice(-3000)}${equal.stderr.slice(-1500)}`).toBe(0);
      await team.query({ sql: mutation.sql });
      const later = await timed('physical backup', () => physicalBackup(teamOf(), dir, 'later'));
      const changed = await rt('restore-test one row changed', later);
      expect(changed.code, changed.stderr.slice(-1500)).toBe(1);
      const failed = failedObjects(changed.stdout);
      expect(failed.length, failed.join('\n')).toBe(1);
      expect(failed[0]).toContain(mutation.table);
    },
    3 * STEP_DEADLINE_MS,
  );
});
