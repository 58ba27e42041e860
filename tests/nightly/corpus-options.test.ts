import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlavorId } from '../../harness/core/index.js';
import {
  NodeDefinition,
  openTopologyContext,
  parseServerConfig,
  RunContext,
  startTopology,
  waitCaughtUp,
  type StartedNode,
  type TopologyContext,
} from '../../harness/runtime/index.js';
import { optionsCnf, pluginsCnf, renderDump, type Corpus } from '../../harness/sql/corpus/index.js';
import { compareServers } from '../../harness/verify/index.js';
import { corpusFor } from '../../harness/workload/corpus/index.js';
import { datasetSource, loadDataset, planDataset } from '../../harness/workload/index.js';
import {
  applyMutations,
  expectEachMutationNamed,
  mutationsOf,
  physicalBackup,
  restoreTest,
  wholeServerDump,
  type TeamServer,
  mutatedBackupNamesEachChange,
} from '../docker/corpus-kit.js';
import { diffsOf, unexplained } from '../docker/corpus-known-findings.js';
import { cli, quiet } from '../docker/helpers.js';

/**
 * The corpus on a server that runs the team's options (issue 19: lower_case_table_names, time zone tables, sql_mode,
 * explicit_defaults_for_timestamp, server character set: drawn from the seed, printed; FIREDRILL_CORPUS_SEED replays
 * one). Replication between two servers with the same options, and `snapshot` + `restore-test --expect` of the
 * physical backup and of a whole-server dump with the source's my.cnf (`--server-config`): no false alarm, one mutation
 * of each subject named; without the my.cnf, the options that differ are named as the environment's effect and
 * the data still reads equal (lower_case_table_names: refused before the restore, exit 2).
 */
const seed = Number(process.env['FIREDRILL_CORPUS_SEED'] ?? Date.now() % 2 ** 31);
const FLAVORS = (process.env['FIREDRILL_OPTIONS_FLAVORS'] ?? 'mariadb-10.11,mysql-9.7').split(',') as FlavorId[];

/** The time zone tables loaded on a node, as a DBA does (the image carries tzdata and the flavor's tool). */
async function loadTimeZones(node: StartedNode): Promise<void> {
  const tool = node.adapter.physicalBackup === 'mariabackup' ? 'mariadb-tzinfo-to-sql' : 'mysql_tzinfo_to_sql';
  await node.container.exec(['sh', '-c', `${tool} /usr/share/zoneinfo 2>/dev/null | ${node.adapter.client.join(' ')} mysql`]);
}

/** A context whose nodes all run the corpus's options (the my.cnf a team passes as --server-config). */
async function contextWithOptions(run: RunContext, flavor: FlavorId, cnf: string, path: string): Promise<TopologyContext> {
  const ctx = await openTopologyContext(run, flavor, quiet);
  ctx.serverConfig = { cfg: parseServerConfig(cnf, path), overrides: {}, applied: {} };
  return ctx;
}

/** The team's my.cnf: the drawn options and the plugins the corpus's accounts need. */
const teamCnf = (c: Corpus) => optionsCnf(c.options!) + pluginsCnf(c);

const load = async (node: StartedNode, file: string) => loadDataset(node, await planDataset(datasetSource(file)));

describe.each(FLAVORS)('the corpus under drawn server options on %s', (flavor) => {
  let dir: string;
  let corpus: Corpus;
  let file: string;
  let cnf: string;
  let state: string;
  let run: RunContext;
  let team: TeamServer;

  beforeAll(async () => {
    corpus = corpusFor(flavor, seed, { cover: true, rows: 4, serverOptions: true });
    console.log(`corpus options: seed ${seed} on ${flavor} (FIREDRILL_CORPUS_SEED=${seed} replays it): ${JSON.stringify(corpus.options)}`);
    dir = await mkdtemp(join(tmpdir(), 'fd-corpus-options-'));
    file = join(dir, 'corpus.sql');
    await writeFile(file, renderDump(corpus));
    cnf = join(dir, 'team.cnf');
    await writeFile(cnf, teamCnf(corpus));
    run = new RunContext();
    const ctx = await contextWithOptions(run, flavor, teamCnf(corpus), cnf);
    const node = await new NodeDefinition(ctx, { name: 'team-db', server: { serverId: 1 } }).start();
    if (corpus.options!.timeZoneTables) await loadTimeZones(node);
    await load(node, file);
    const env = { FD_CORPUS_PW: ctx.creds.adminPassword };
    team = { run, ctx, node, env, snapshot: () => Promise.reject(new Error('not used')) };
    state = join(dir, 'state.json');
    const r = await cli(['snapshot', '--source', `mysql://${ctx.creds.admin}:\${FD_CORPUS_PW}@${node.address}:3306`, '--out', state], {
      env,
    });
    expect(r.code, r.stderr.slice(-1500)).toBe(0);
  }, 15 * 60_000);
  afterAll(async () => {
    await run?.teardown();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'replication between servers with the same options: equal, one changed row, view, account and grant each named',
    async () => {
      const r = new RunContext();
      try {
        const ctx = await contextWithOptions(r, flavor, teamCnf(corpus), cnf);
        const topo = await startTopology(ctx, { kind: 'primary-replicas', replicas: [{ name: 'replica-1' }] });
        const replica = topo.get('replica-1');
        if (corpus.options!.timeZoneTables) for (const n of [topo.primary, replica]) await loadTimeZones(n);
        await load(topo.primary, file);
        await waitCaughtUp(replica, topo.primary);
        const exclude = { excludeAccounts: [ctx.creds.admin, ctx.creds.repl] };
        expect(unexplained(diffsOf(await compareServers(topo.primary, replica, exclude)), corpus)).toEqual([]);
        const muts = mutationsOf(corpus);
        await replica.query({ sql: 'SET SESSION sql_log_bin = 0' });
        await applyMutations(replica, muts);
        expectEachMutationNamed({ muts, mutated: await compareServers(topo.primary, replica, exclude) });
      } finally {
        await r.teardown();
      }
    },
    15 * 60_000,
  );

  const equalWithOptions = async (artifact: string) => {
    const r = await restoreTest(flavor, artifact, state, ['--server-config', cnf]);
    expect(r.result, r.stderr.slice(-1500)).toBeDefined();
    expect(unexplained(diffsOf(r.result!.checks), corpus)).toEqual([]);
    const options = r.result!.checks.find((c) => c.name === 'state-server-options');
    expect(options?.valid).toBe(true);
    expect(options?.details['explained']).toBeUndefined();
  };

  it(
    'the physical backup restores with the source my.cnf and equals the state; without it, the options that differ are named as the environment',
    async () => {
      const full = await physicalBackup(team, dir, 'full');
      await equalWithOptions(full);
      const bare = await restoreTest(flavor, full, state);
      if (corpus.options!.lowerCaseTableNames === 1) {
        expect(bare.code).toBe(2);
        expect(bare.stderr).toMatch(/lower_case_table_names=1; the restore server would run with 0/);
        return;
      }
      expect(bare.result, bare.stderr.slice(-1500)).toBeDefined();
      const options = bare.result!.checks.find((c) => c.name === 'state-server-options')!;
      expect(options.valid).toBe(true);
      const named = ((options.details['explained'] as Array<{ object: string }> | undefined) ?? []).map((e) => e.object);
      console.log(
        `without --server-config, named as the environment: ${named.join(', ') || 'nothing (the drawn options are the defaults)'}`,
      );
      expect(unexplained(diffsOf(bare.result!.checks), corpus)).toEqual([]);
    },
    15 * 60_000,
  );

  it(
    'a whole-server dump with accounts restores with the source my.cnf and equals the state',
    async () => {
      await equalWithOptions(await wholeServerDump(team, dir, 'all.sql'));
    },
    15 * 60_000,
  );

  it(
    'after one changed row, view, account and grant, the backup no longer equals the state (exit 1), each named',
    async () => {
      await mutatedBackupNamesEachChange(flavor, team, dir, corpus, state, ['--server-config', cnf]);
    },
    15 * 60_000,
  );
});
