import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { dirname, join, resolve } from 'node:path';
import { openStore, packArtifact, physicalMethodFor, type BackupStore } from '../../harness/backup/index.js';
import type { FlavorId } from '../../harness/core/index.js';
import {
  NodeDefinition,
  openTopologyContext,
  parseServerConfig,
  projectRoot,
  RunContext,
  runKeyFiles,
  startTopology,
  waitCaughtUp,
  type StartedNode,
  type TopologyContext,
} from '../../harness/runtime/index.js';
import {
  accountMutation,
  definitionMutation,
  authMutation,
  grantMutation,
  keysNeeded,
  pluginsCnf,
  renderDump,
  rowMutation,
  type Corpus,
  type Mutation,
} from '../../harness/sql/corpus/index.js';
import { compareServers, type CheckResult } from '../../harness/verify/index.js';
import { corpusFor } from '../../harness/workload/corpus/index.js';
import { datasetSource, loadDataset, planDataset } from '../../harness/workload/index.js';
import { cli, quiet } from './helpers.js';

/**
 * The corpus through the paths a drill or a team's backup takes, as the docker test (fixed seed) and the nightly
 * series (fresh seed, shrinking) both run it. Each path answers the same three questions: does an equal copy read
 * equal (no false alarm), is one mutation of a row, a definition, an account and a grant caught and named (no blind
 * spot), and what does the method say it cannot carry.
 */

interface Regression {
  id: string;
  flavor: FlavorId;
  /** The finding it reproduces (docs/corpus-findings.md), while open: the path's verdict is expected to show it. */
  finding?: string;
  note: string;
  corpus: Corpus;
}

const REGRESSIONS = resolve(projectRoot, 'fixtures/corpus/regressions.json');

/** Buffers survive JSON as {"$hex": "..."}. */
export const corpusToJson = (c: Corpus) =>
  JSON.stringify(c, (_k, v: unknown) =>
    v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer'
      ? { $hex: Buffer.from((v as { data: number[] }).data).toString('hex') }
      : v,
  );
const revive = (_k: string, v: unknown) =>
  v && typeof v === 'object' && '$hex' in v ? Buffer.from(String((v as { $hex: string }).$hex), 'hex') : v;

async function regressions(flavor: FlavorId): Promise<Regression[]> {
  const all = JSON.parse(await readFile(REGRESSIONS, 'utf8'), revive) as Regression[];
  return all.filter((r) => r.flavor === flavor);
}

/**
 * The dump a corpus test loads, in `dir`: the flavor's fixed regression cases first, then the covering sample of
 * `seed` (one dump, one load). `loaded` is what the findings look at: every table of both. `serverConfig`: the
 * restore-test options that load the plugins the corpus's accounts need (`--server-config` with the corpus's
 * plugins.cnf, as a team passes its my.cnf), empty when it needs none.
 */
export async function corpusDump(
  flavor: FlavorId,
  seed: number,
  dir: string,
): Promise<{ corpus: Corpus; loaded: Corpus; file: string; serverConfig: string[] }> {
  const corpus = corpusFor(flavor, seed, { cover: true, rows: 4 });
  const fixed = await regressions(flavor);
  const loaded = { ...corpus, tables: [...fixed.flatMap((r) => r.corpus.tables), ...corpus.tables] };
  const file = join(dir, 'corpus.sql');
  await writeFile(file, [...fixed.map((r) => renderDump(r.corpus)), renderDump(corpus)].join('\n'));
  return { corpus, loaded, file, serverConfig: await pluginsConfigFile(corpus, dir) };
}

/** The corpus's plugins.cnf written into `dir`, as restore-test options (`--server-config FILE`); [] when none is needed. */
export async function pluginsConfigFile(corpus: Corpus, dir: string): Promise<string[]> {
  const cnf = pluginsCnf(corpus);
  if (!cnf) return [];
  const path = join(dir, 'plugins.cnf');
  await writeFile(path, cnf);
  return ['--server-config', path];
}

/**
 * Every node of the context loads the plugins the corpus's accounts need (the corpus's my.cnf as `--server-config`):
 * a plugin loaded by INSTALL SONAME is not in the binary log, so a replica must load it itself. A corpus with
 * encrypted tables also gets the run's key file (fresh random keys, from memory) on every node.
 */
export function withCorpusPlugins(ctx: TopologyContext, corpus: Corpus | undefined): TopologyContext {
  const cnf = corpus ? pluginsCnf(corpus) : '';
  const files = corpus && keysNeeded(corpus).length ? { files: [runKeyFiles()] } : {};
  if (cnf) ctx.serverConfig = { cfg: parseServerConfig(cnf, 'plugins.cnf'), overrides: {}, applied: {}, ...files };
  return ctx;
}

export async function writeDump(c: Corpus, dir: string, name = 'corpus.sql'): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, renderDump(c));
  return file;
}

/** The mutations of a corpus (those it has a subject for): row, definition, account, grant, and authentication. */
export const mutationsOf = (c: Corpus): Mutation[] =>
  [rowMutation(c), definitionMutation(c), accountMutation(c), grantMutation(c), authMutation(c)].filter((m): m is Mutation => m !== null);

/** Which mutations no failing check names (a blind spot each); an account is named 'user'@'host' or user@host. */
export const unnamed = (muts: readonly Mutation[], failed: readonly unknown[]) => {
  const text = JSON.stringify(failed);
  const has = (s: string) => text.includes(JSON.stringify(s).slice(1, -1));
  return muts.filter((m) => !has(m.names) && !has(m.names.replace(/'/g, '')));
};

/**
 * The replication path's mutations (row, view, account, grant, and the authentication plugin when the corpus has an
 * account of another plugin) were each named by a failing check.
 */
export function expectEachMutationNamed(r: { muts: readonly Mutation[]; mutated: readonly CheckResult[] }): void {
  expect(r.muts.map((m) => m.kind).filter((k) => k !== 'authentication')).toEqual(['row', 'definition', 'account', 'grant']);
  expect(
    unnamed(
      r.muts,
      r.mutated.filter((c) => !c.valid),
    ).map((m) => `${m.kind} ${m.names}`),
  ).toEqual([]);
}

async function loadDump(node: StartedNode, file: string): Promise<void> {
  await loadDataset(node, await planDataset(datasetSource(file)));
}

export async function applyMutations(node: StartedNode, muts: readonly Mutation[]): Promise<void> {
  for (const m of muts) for (const sql of m.sql) await node.query({ sql });
}

/**
 * Replication: the dump loaded into a primary reaches a replica; the drill's comparison (compareServers, firedrill's
 * own accounts left out) must read equal; then the mutations, applied on the replica alone, must each be named.
 */
export async function replicationPath(
  flavor: FlavorId,
  file: string,
  corpus: Corpus,
): Promise<{ equal: CheckResult[]; mutated: CheckResult[]; muts: Mutation[] }> {
  const run = new RunContext();
  try {
    const ctx = withCorpusPlugins(await openTopologyContext(run, flavor, quiet), corpus);
    const topo = await startTopology(ctx, { kind: 'primary-replicas', replicas: [{ name: 'replica-1' }] });
    await loadDump(topo.primary, file);
    const replica = topo.get('replica-1');
    await waitCaughtUp(replica, topo.primary);
    const exclude = { excludeAccounts: [ctx.creds.admin, ctx.creds.repl] };
    const equal = await compareServers(topo.primary, replica, exclude);
    const muts = mutationsOf(corpus);
    await replica.query({ sql: 'SET SESSION sql_log_bin = 0' });
    await applyMutations(replica, muts);
    const mutated = await compareServers(topo.primary, replica, exclude);
    return { equal, mutated, muts };
  } finally {
    await run.teardown();
  }
}

/** A team's server holding the corpus, its state recorded by `firedrill snapshot` (the CLI, as a team runs it). */
export interface TeamServer {
  run: RunContext;
  ctx: TopologyContext;
  node: StartedNode;
  env: Record<string, string>;
  snapshot(out: string): Promise<void>;
}

/** `corpus`: its accounts' plugins are loaded (the team's my.cnf). */
export async function teamServer(flavor: FlavorId, file: string, corpus?: Corpus): Promise<TeamServer> {
  const run = new RunContext();
  const ctx = withCorpusPlugins(await openTopologyContext(run, flavor, quiet), corpus);
  const node = await new NodeDefinition(ctx, { name: 'team-db', server: { serverId: 1 } }).start();
  await loadDump(node, file);
  const env = { FD_CORPUS_PW: ctx.creds.adminPassword };
  return {
    run,
    ctx,
    node,
    env,
    async snapshot(out) {
      const r = await cli(['snapshot', '--source', `mysql://${ctx.creds.admin}:\${FD_CORPUS_PW}@${node.address}:3306`, '--out', out], {
        env,
      });
      if (r.code !== 0) throw new Error(`firedrill snapshot failed (${r.code}): ${r.stderr.slice(-1500)}`);
    },
  };
}

/** The real tools' backups, made in the team's container and copied out: the physical one and a whole-server dump with accounts. */
export async function physicalBackup(t: TeamServer, dir: string, name: string): Promise<string> {
  const out = join(dir, name);
  if (t.node.adapter.physicalBackup === 'mariabackup') {
    await t.node.container.exec(['mariadb-backup', '--backup', '--user=root', `--target-dir=/tmp/${name}`]);
    await t.node.container.copyOut(`/tmp/${name}`, out);
  } else {
    await t.node.query({ sql: `CLONE LOCAL DATA DIRECTORY = '/var/lib/mysql-files/${name}'` });
    await t.node.container.copyOut(`/var/lib/mysql-files/${name}`, out);
  }
  return out;
}

export async function wholeServerDump(t: TeamServer, dir: string, name: string): Promise<string> {
  const out = join(dir, name);
  const cmd =
    t.node.adapter.physicalBackup === 'mariabackup'
      ? 'mariadb-dump --all-databases --system=users --routines --events --triggers --single-transaction --gtid --master-data=2'
      : 'mysqldump --all-databases --routines --events --triggers --single-transaction --set-gtid-purged=ON';
  await t.node.container.exec(['sh', '-c', `${cmd} > /tmp/${name}`]);
  await t.node.container.copyOut(`/tmp/${name}`, out);
  return out;
}

interface RestoreResult {
  runId: string;
  checks: Array<{ name: string; valid: boolean; details: Record<string, unknown> }>;
}

export async function restoreTest(
  flavor: FlavorId,
  artifact: string,
  state: string,
  /** More options (e.g. --server-config with the source's my.cnf). */
  more: readonly string[] = [],
): Promise<{ code: number | null; stderr: string; result?: RestoreResult }> {
  const r = await cli(['restore-test', '--json', '--artifact', artifact, '--flavor', flavor, '--expect', state, ...more]);
  let result: RestoreResult | undefined;
  try {
    result = JSON.parse(r.stdout) as RestoreResult;
  } catch {
    /* exit 2: no result */
  }
  return { code: r.code, stderr: r.stderr, result };
}

/**
 * The blind-spot test of a restore path: one changed row, view, account and grant on the team's server after the state
 * was recorded, a new physical backup, then restore-test against that state exits 1 naming each change.
 */
export async function mutatedBackupNamesEachChange(
  flavor: FlavorId,
  t: TeamServer,
  dir: string,
  corpus: Corpus,
  state: string,
  more: readonly string[] = [],
): Promise<{ code: number | null; stderr: string; result?: RestoreResult }> {
  const muts = mutationsOf(corpus);
  await applyMutations(t.node, muts);
  const r = await restoreTest(flavor, await physicalBackup(t, dir, 'later'), state, more);
  expect(r.code, r.stderr.slice(-1500)).toBe(1);
  expect(
    unnamed(
      muts,
      r.result!.checks.filter((c) => !c.valid),
    ).map((m) => `${m.kind} ${m.names}`),
  ).toEqual([]);
  return r;
}

/** restore-test with any further options (--binlogs/--until) and environment (FIREDRILL_ARTIFACT_KEY), as a team runs it. */
export async function restoreTestWith(
  flavor: FlavorId,
  artifact: string,
  state: string,
  extra: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string; result?: RestoreResult & { observations?: Record<string, unknown> } }> {
  const r = await cli(['restore-test', '--json', '--artifact', artifact, '--flavor', flavor, '--expect', state, ...extra], { env });
  try {
    return { code: r.code, stderr: r.stderr, result: JSON.parse(r.stdout) as RestoreResult };
  } catch {
    return { code: r.code, stderr: r.stderr };
  }
}

/** The server's last committed GTID (MariaDB 0-1-N, MySQL uuid:N): a point a binlog replay can stop at. */
export async function lastGtid(node: StartedNode): Promise<string> {
  if (node.adapter.physicalBackup === 'mariabackup') {
    const [r] = await node.query<{ pos: string }>({ sql: 'SELECT @@gtid_binlog_pos AS pos' });
    return String(r!.pos).split(',').pop()!.trim();
  }
  const [r] = await node.query<{ uuid: string; done: string }>({ sql: 'SELECT @@server_uuid AS uuid, @@gtid_executed AS done' });
  const own = String(r!.done)
    .replace(/\s/g, '')
    .split(',')
    .find((s) => s.startsWith(String(r!.uuid)));
  return `${r!.uuid}:${/[:-](\d+)$/.exec(own ?? '')![1]}`;
}

/** The team's binlog archive: every binary log of the server (rotated first, so the last one is closed), copied out. */
export async function binlogArchive(t: TeamServer, dir: string, name: string): Promise<string> {
  await t.node.query({ sql: 'FLUSH BINARY LOGS' });
  const [b] = await t.node.query<{ base: string }>({ sql: 'SELECT @@log_bin_basename AS base' });
  const from = dirname(String(b!.base));
  const out = join(dir, name);
  await mkdir(out);
  for (const l of await t.node.query<{ Log_name: string }>({ sql: 'SHOW BINARY LOGS' }))
    await t.node.container.copyOut(`${from}/${l.Log_name}`, join(out, l.Log_name));
  return out;
}

/** `firedrill snapshot` of a node (the CLI, as a team runs it; the password through the environment). */
async function snapshotOf(ctx: TopologyContext, node: StartedNode, out: string): Promise<void> {
  const dsn = `mysql://${ctx.creds.admin}:\${FD_CORPUS_PW}@${node.address}:3306`;
  const r = await cli(['snapshot', '--source', dsn, '--out', out], { env: { FD_CORPUS_PW: ctx.creds.adminPassword } });
  if (r.code !== 0) throw new Error(`firedrill snapshot failed (${r.code}): ${r.stderr.slice(-1500)}`);
}

/** firedrill's own physical backup of a replica (the flavor's method, as the drills take it), sealed as a FDPKG2 package with a fresh key. */
async function sealedBackup(replica: StartedNode, store: BackupStore, dir: string, id: string) {
  await physicalMethodFor(replica.adapter).backup(replica, store, id);
  const key = randomBytes(32);
  const out = join(dir, `packages-${id}`);
  await mkdir(out);
  const info = await packArtifact(join(store.hostDir, id), out, key);
  return { file: join(out, info.file), env: { FIREDRILL_ARTIFACT_KEY: key.toString('hex') } };
}

/**
 * The package round trip: the corpus loaded into a primary, firedrill's physical backup of its replica packed (FDPKG2)
 * and restore-tested against the state `firedrill snapshot` recorded on the replica; then the four mutations on the
 * primary (replicated), a second package, restore-tested against the same state.
 */
export async function packagePath(flavor: FlavorId, file: string, corpus: Corpus, dir: string) {
  const run = new RunContext();
  try {
    const ctx = withCorpusPlugins(await openTopologyContext(run, flavor, quiet), corpus);
    const store = await openStore(join(dir, 'store'));
    const mounts = [{ source: store.hostDir, target: store.containerDir }];
    const topo = await startTopology(ctx, { kind: 'primary-replicas', replicas: [{ name: 'replica-1', mounts }] });
    await loadDump(topo.primary, file);
    const replica = topo.get('replica-1');
    await waitCaughtUp(replica, topo.primary);
    const state = join(dir, 'state-package.json');
    await snapshotOf(ctx, replica, state);
    const first = await sealedBackup(replica, store, dir, 'nightly');
    const serverConfig = await pluginsConfigFile(corpus, dir);
    const equal = await restoreTestWith(flavor, first.file, state, serverConfig, first.env);
    const muts = mutationsOf(corpus);
    await applyMutations(topo.primary, muts);
    await waitCaughtUp(replica, topo.primary);
    const later = await sealedBackup(replica, store, dir, 'later');
    const mutated = await restoreTestWith(flavor, later.file, state, serverConfig, later.env);
    return { equal, mutated, muts };
  } finally {
    await run.teardown();
  }
}
