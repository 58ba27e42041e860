import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ExecError, HarnessError, spawnPiped, type PipedProcess } from '../exec/index.js';
import { UsageError } from '../core/index.js';
import type { StartedNode } from '../runtime/node.js';
import { ConnectError, endpointLabel, openConnection, redact, type Connection, type Endpoint } from '../runtime/connection.js';
import { clientTlsOptions, CONTAINER_CA_PATH } from '../runtime/tls.js';
import { sakilaDir } from '../runtime/paths.js';
import { docker } from '../runtime/docker.js';
import { datasetSql, type Statement } from '../sql/index.js';
import { DumpFilter, dumpFiles, scanDump, streamDump, type DumpInfo } from './dump-reader.js';
import { generateRows } from './generate.js';
import { readTableModels } from './schema-model.js';

/**
 * Where a drill's data comes from, chosen per run (`--dataset`): the bundled Sakila sample, a dump file or folder,
 * a live server (a consistent, read-only copy), or a schema with generated rows. `none`: only firedrill's own tables.
 */
export type DatasetSource =
  | { kind: 'sakila' }
  | { kind: 'none' }
  | { kind: 'dump'; path: string }
  | { kind: 'live'; server: LiveServer; databases?: readonly string[] }
  | { kind: 'schema'; path: string; rows: number; seed?: number };

/** A live source server, TLS mode included (the password comes from the environment through the DSN's ${VAR}; never printed). */
export type LiveServer = Endpoint;

const liveLabel = endpointLabel;

/** What is known before any container starts: files found and read once, the live source asked what it holds. */
export interface DatasetPlan {
  source: DatasetSource;
  /** A short name for reports: sakila, the dump's file or folder name, host:port/dbs, the schema file. */
  name: string;
  /** Where it comes from: a path, or user@host:port (no password). */
  origin: string;
  files: string[];
  databases: string[];
  tables: string[];
  /** Accounts the dataset creates (a clash with firedrill's own is refused). */
  users: string[];
  /** Dumps and schemas: per table, how many columns its PRIMARY KEY has (0: none); absent when not known before loading. */
  primaryKeys?: Record<string, number>;
  /** Bytes on disk (dump files, compressed as they are). */
  fileBytes: number;
  /** Live source: tables by whether their engine is transactional (the others are copied under a brief lock). */
  live?: { transactional: string[]; nonTransactional: string[] };
}

/** What the load did, for the result: measured, never estimated. */
export interface DatasetInfo {
  name: string;
  kind: DatasetSource['kind'];
  origin: string;
  databases: string[];
  tables: number;
  /** The dataset's base tables as `db.table`. */
  tableNames: string[];
  /** Uncompressed SQL bytes streamed into the server (dump and live), and bytes read from disk. */
  streamedBytes: number;
  fileBytes: number;
  /** Data + index bytes of the dataset's tables on the loaded server (information_schema). */
  serverBytes: number;
  loadMs: number;
  /** Statements taken out of the dump (replication position, SQL_LOG_BIN=0), by kind. */
  removed: Record<string, number>;
  /** Generated rows per table (schema datasets). */
  generatedRows?: Record<string, number>;
  /** Live copies: non-transactional tables and how long they were locked on the source (ms, measured). */
  lock?: { tables: string[]; ms: number };
  notes: string[];
}

const TRANSACTIONAL = new Set(['innodb', 'xtradb', 'rocksdb', 'tokudb', 'ndbcluster', 'ndb']);

/** Parses `--dataset` (and `--rows`, `--databases`): sakila, none, a path, or mysql://… (already expanded and parsed). */
export function datasetSource(
  arg: string | undefined,
  o: { rows?: number; databases?: readonly string[]; live?: LiveServer; seed?: number } = {},
): DatasetSource {
  if (o.live) return { kind: 'live', server: o.live, databases: o.databases };
  if (o.databases) throw new UsageError('--databases goes with a live --dataset mysql://… only');
  const a = arg ?? 'sakila';
  if (o.rows !== undefined) {
    if (!Number.isInteger(o.rows) || o.rows < 0) throw new UsageError(`--rows ${o.rows}: expected a whole number of rows per table`);
    if (a === 'sakila' || a === 'none') throw new UsageError('--rows goes with a schema file: --dataset schema.sql --rows N');
    return { kind: 'schema', path: a, rows: o.rows, seed: o.seed };
  }
  if (a === 'sakila') return { kind: 'sakila' };
  if (a === 'none') return { kind: 'none' };
  return { kind: 'dump', path: a };
}

/** Reads what the dataset will create, before anything starts; a missing file or an unreachable source is bad input. */
export async function planDataset(src: DatasetSource): Promise<DatasetPlan> {
  const plan = (p: Omit<DatasetPlan, 'source'>): DatasetPlan => ({ source: src, ...p });
  switch (src.kind) {
    case 'none':
      return plan({ name: 'none', origin: '-', files: [], databases: [], tables: [], users: [], fileBytes: 0 });
    case 'sakila': {
      const files = ['sakila-schema.sql', 'sakila-data.sql'].map((f) => join(sakilaDir, f));
      for (const f of files) {
        try {
          statSync(f);
        } catch {
          throw new UsageError(`Sakila dataset not found at ${f} (set FIREDRILL_SAKILA_DIR)`);
        }
      }
      return plan({ name: 'sakila', origin: sakilaDir, files, ...(await scanFiles(files)) });
    }
    case 'dump': {
      const files = dumpFiles(src.path);
      return plan({ name: basename(resolve(src.path)), origin: resolve(src.path), files, ...(await scanFiles(files)) });
    }
    case 'schema': {
      const files = dumpFiles(src.path);
      if (files.length !== 1) throw new UsageError(`--rows needs one schema file, ${src.path} is a folder`);
      const s = await scanFiles(files);
      if (!s.tables.length) throw new UsageError(`schema ${src.path}: no CREATE TABLE in it`);
      return plan({ name: `${basename(files[0]!)} (${src.rows} generated rows per table)`, origin: files[0]!, files, ...s });
    }
    case 'live':
      return planLive(src.server, src.databases);
  }
}

async function scanFiles(
  files: readonly string[],
): Promise<Pick<DatasetPlan, 'databases' | 'tables' | 'users' | 'fileBytes' | 'primaryKeys'>> {
  const out = {
    databases: [] as string[],
    tables: [] as string[],
    users: [] as string[],
    fileBytes: 0,
    primaryKeys: {} as Record<string, number>,
  };
  for (const f of files) {
    let info: DumpInfo;
    try {
      info = await scanDump(f);
    } catch (e) {
      throw new UsageError(`dataset ${f}: cannot be read (${(e as Error).message.split('\n')[0]})`);
    }
    out.fileBytes += statSync(f).size;
    for (const d of info.databases) if (!out.databases.includes(d)) out.databases.push(d);
    out.tables.push(...info.tables.filter((t) => !out.tables.includes(t)));
    out.users.push(...info.users.filter((u) => !out.users.includes(u)));
    Object.assign(out.primaryKeys, info.primaryKeys);
  }
  return out;
}

/** How long the live source may leave one query (or the dump tool's stream) without an answer. */
const LIVE_TIMEOUT_MS = 10 * 60_000;

async function connectLive(s: LiveServer): Promise<Connection> {
  try {
    return await openConnection(s, { queryTimeoutMs: LIVE_TIMEOUT_MS, connectTimeoutMs: 10_000 });
  } catch (e) {
    if (e instanceof ConnectError) throw new UsageError(`dataset: ${e.message}`);
    throw e;
  }
}

async function planLive(s: LiveServer, only?: readonly string[]): Promise<DatasetPlan> {
  const c = await connectLive(s);
  try {
    const q = <T>(st: Statement) => c.query<T>(st);
    const all = (await q<{ name: string }>(datasetSql.userDatabases())).map((r) => r.name);
    const missing = (only ?? []).filter((d) => !all.includes(d));
    if (missing.length)
      throw new UsageError(`dataset ${liveLabel(s)}: no database ${missing.join(', ')} there (it has: ${all.join(', ') || 'none'})`);
    const databases = only?.length ? [...only] : all;
    if (!databases.length) throw new UsageError(`dataset ${liveLabel(s)}: no database to copy`);
    const rows = await q<{ db: string; tbl: string; engine: string | null }>(datasetSql.tableSizes(databases));
    const tables = rows.map((r) => `${r.db}.${r.tbl}`);
    const nonTransactional = rows.filter((r) => r.engine && !TRANSACTIONAL.has(r.engine.toLowerCase())).map((r) => `${r.db}.${r.tbl}`);
    return {
      source: { kind: 'live', server: s, databases },
      name: `${s.host}:${s.port}/${databases.join(',')}`,
      origin: liveLabel(s),
      files: [],
      databases,
      tables,
      users: [],
      fileBytes: 0,
      live: { transactional: tables.filter((t) => !nonTransactional.includes(t)), nonTransactional },
    };
  } finally {
    await c.close();
  }
}

/**
 * Refuses a dataset that holds an object of firedrill's own (its schemas or accounts): exit 2 before anything
 * starts, naming each clash and the setting that renames firedrill's side.
 */
export function refuseClashes(plan: DatasetPlan, own: { isOwnDatabase: (db: string) => boolean; accounts: readonly string[] }): void {
  const dbs = plan.databases.filter((d) => own.isOwnDatabase(d));
  const users = plan.users.filter((u) => own.accounts.includes(u));
  if (!dbs.length && !users.length) return;
  const what = [...dbs.map((d) => `database '${d}'`), ...users.map((u) => `account '${u}'`)].join(', ');
  throw new UsageError(
    `dataset ${plan.name} has ${what}, which firedrill uses for itself: rename firedrill's side in firedrill.config.json ("ownSchema", "accounts")`,
  );
}

/** The node's own client, reading SQL from stdin (docker exec -i; argv only). */
function clientOf(node: StartedNode): PipedProcess {
  return spawnPiped(['docker', 'exec', '-i', node.container.name, ...node.adapter.client, '--max-allowed-packet=1G']);
}

/** The client's first ERROR line: what a refused dump gets reported with. */
const firstError = (e: unknown) => {
  const text = e instanceof ExecError ? e.stderrTail : String(e);
  return (/^ERROR .*$/m.exec(text)?.[0] ?? text.trim().split('\n').pop() ?? '').slice(0, 300);
};

const mb = (n: number) => (n / 1048576).toFixed(1);

/** Streams one dump file into the node's client, with progress; the server refusing it is bad input (exit 2). */
async function loadDumpFile(node: StartedNode, file: string, progress: (m: string) => void): Promise<DumpInfo> {
  const size = statSync(file).size;
  const t0 = Date.now();
  const client = clientOf(node);
  let last = 0;
  try {
    const [info] = await Promise.all([
      streamDump(file, client.stdin, {
        onBytes: (n) => {
          const now = Date.now();
          if (now - last < 2000 && n < size) return;
          last = now;
          progress(
            `dataset ${basename(file)}: ${size ? Math.floor((n / size) * 100) : 100}% (${mb(n)}/${mb(size)} MB read, ${mb(n / Math.max(0.001, (now - t0) / 1000))} MB/s)`,
          );
        },
      }),
      client.done,
    ]);
    return info;
  } catch (e) {
    client.kill();
    await client.done.catch(() => undefined);
    throw new UsageError(`dataset ${file}: the server refused it: ${firstError(e)}`);
  }
}

/** Sums the dataset's tables' data and index bytes on the loaded server. */
async function serverBytes(node: StartedNode, dbs: readonly string[]): Promise<number> {
  if (!dbs.length) return 0;
  const rows = await node.query<{ bytes: string | number | null }>(datasetSql.tableSizes(dbs));
  return rows.reduce((s, r) => s + Number(r.bytes ?? 0), 0);
}

/** Loads the planned dataset into `node` (a primary: it replicates to the rest), with progress. */
export async function loadDataset(node: StartedNode, plan: DatasetPlan, progress: (m: string) => void = () => {}): Promise<DatasetInfo> {
  const t0 = Date.now();
  const info: DatasetInfo = {
    name: plan.name,
    kind: plan.source.kind,
    origin: plan.origin,
    databases: [...plan.databases],
    tables: plan.tables.length,
    tableNames: [...plan.tables],
    streamedBytes: 0,
    fileBytes: plan.fileBytes,
    serverBytes: 0,
    loadMs: 0,
    removed: {},
    notes: [],
  };
  const add = (d: DumpInfo) => {
    info.streamedBytes += d.bytes;
    for (const [k, v] of Object.entries(d.removed)) info.removed[k] = (info.removed[k] ?? 0) + v;
  };
  const src = plan.source;
  if (src.kind === 'sakila' || src.kind === 'dump' || src.kind === 'schema') {
    for (const f of plan.files) add(await loadDumpFile(node, f, progress));
  }
  if (src.kind === 'schema') info.generatedRows = await fillGenerated(node, plan, src.rows, src.seed ?? 1, progress, info.notes);
  if (src.kind === 'live') {
    const r = await copyLive(node, plan, progress);
    add(r.dump);
    if (r.lock) info.lock = r.lock;
  }
  info.loadMs = Date.now() - t0;
  info.serverBytes = await serverBytes(node, plan.databases);
  if (info.removed['sql-log-bin'])
    info.notes.push('the dump turned binary logging off (SQL_LOG_BIN=0): taken out, so the data reaches the replicas');
  if (info.removed['gtid-purged'] || info.removed['gtid-slave-pos'] || info.removed['change-source'])
    info.notes.push("the dump's replication position was taken out: the drill topology has its own");
  progress(
    `dataset ${plan.name}: loaded in ${(info.loadMs / 1000).toFixed(1)} s (${mb(info.streamedBytes)} MB of SQL, ${mb(info.serverBytes)} MB on the server)`,
  );
  return info;
}

/** Inserts generated rows into every table of the loaded schema: rows a server refuses (CHECK constraints) are counted and noted. */
async function fillGenerated(
  node: StartedNode,
  plan: DatasetPlan,
  rows: number,
  seed: number,
  progress: (m: string) => void,
  notes: string[],
): Promise<Record<string, number>> {
  const models = await readTableModels(node, plan.databases);
  const generated = generateRows(models, rows, seed);
  const conn = await node.connect();
  const out: Record<string, number> = {};
  try {
    for (const s of datasetSql.generatedLoadSession()) await conn.query(s);
    for (const g of generated) {
      const name = `${g.table.db}.${g.table.name}`;
      for (const n of g.notes) notes.push(`${name}: ${n}`);
      let inserted = 0;
      let refused = 0;
      let reason = '';
      for (let i = 0; i < g.rows.length; i += 200) {
        const batch = g.rows.slice(i, i + 200);
        const st = datasetSql.insertRows(g.table.db, g.table.name, g.columns, batch);
        try {
          await conn.query(st);
          inserted += batch.length;
        } catch {
          for (const r of batch) {
            const one = datasetSql.insertRows(g.table.db, g.table.name, g.columns, [r]);
            try {
              await conn.query(one);
              inserted++;
            } catch (e) {
              refused++;
              reason ||= (e as Error).message;
            }
          }
        }
      }
      out[name] = inserted;
      if (refused) notes.push(`${name}: the server refused ${refused} generated rows (first: ${reason})`);
      progress(`generated rows: ${name} ${inserted}/${rows}`);
    }
  } finally {
    await conn.close();
  }
  return out;
}

/**
 * A consistent, read-only copy of a live server's databases: the flavor's dump tool runs in a throw-away container on
 * the host's network (it reaches what the host reaches), credentials on its stdin (an option file: never argv or
 * disk). Transactional tables come in one --single-transaction snapshot (no lock: InnoDB writers are never blocked);
 * non-transactional ones (MyISAM, Aria, MEMORY, ...) afterwards under LOCK TABLES … READ per database, and the time
 * that lock was held on the source is measured from the tool's own progress lines.
 */
async function copyLive(
  node: StartedNode,
  plan: DatasetPlan,
  progress: (m: string) => void,
): Promise<{ dump: DumpInfo; lock?: { tables: string[]; ms: number } }> {
  const src = plan.source as Extract<DatasetSource, { kind: 'live' }>;
  const s = src.server;
  const family = node.adapter.flavor.family;
  const tool = family === 'mariadb' ? 'mariadb-dump' : 'mysqldump';
  const own = family === 'mysql' ? ['--set-gtid-purged=OFF'] : [];
  const common = ['--defaults-extra-file=/dev/stdin', '--quick', '--hex-blob', '--no-tablespaces', ...own];
  const nonTx = plan.live?.nonTransactional ?? [];
  const ctx = node.context;
  // The source's TLS mode goes to the tool too; its CA file (no secret) is mounted read-only.
  const tls = s.tls ?? { mode: 'PREFERRED' as const };
  const caMount = tls.ca !== undefined ? ['-v', `${resolve(tls.ca)}:${CONTAINER_CA_PATH}:ro`] : [];
  const options = [`user=${s.user}`, `password=${s.password}`, `host=${s.host}`, `port=${s.port}`, ...clientTlsOptions(family, tls)];
  let n = 0;
  const runDump = async (args: string[], defaultDb: string, onLine?: (l: string) => void): Promise<DumpInfo> => {
    const name = ctx.run.name(`dataset-copy-${++n}`);
    const p = spawnPiped(
      [
        'docker',
        'run',
        '--rm',
        '-i',
        '--network',
        'host',
        '--name',
        name,
        ...ctx.run.labelArgs(),
        '-e',
        'FIREDRILL_EMPTY_DATADIR=1',
        ...caMount,
        ctx.image,
        tool,
        ...common,
        ...args,
      ],
      {
        onStderr: (t) => {
          for (const l of t.split('\n')) if (l) onLine?.(l);
        },
      },
    );
    ctx.run.onTeardown(`remove container ${name}`, async () => {
      await docker(['rm', '-f', '-v', name]).catch(() => undefined);
    });
    p.stdin.end(`[client]\n${options.join('\n')}\n`);
    const client = clientOf(node);
    const filter = new DumpFilter(defaultDb);
    const counted = new PassThrough();
    let bytes = 0;
    let last = Date.now();
    const t0 = last;
    let lastByte = last;
    // A deadline on the stream: a source that sends nothing for LIVE_TIMEOUT_MS (frozen, cut off) ends the copy.
    let silent = false;
    const watchdog = setInterval(() => {
      if (Date.now() - lastByte < LIVE_TIMEOUT_MS) return;
      silent = true;
      p.kill();
      client.kill();
    }, 1000);
    counted.on('data', (b: Buffer) => {
      lastByte = Date.now();
      bytes += b.length;
      if (Date.now() - last > 2000) {
        last = Date.now();
        progress(`dataset ${plan.name}: ${mb(bytes)} MB copied (${mb(bytes / ((last - t0) / 1000))} MB/s)`);
      }
    });
    try {
      await Promise.all([pipeline(p.stdout, counted, filter, client.stdin as Writable), p.done, client.done]);
    } catch (e) {
      p.kill();
      client.kill();
      await Promise.allSettled([p.done, client.done]);
      if (silent)
        throw new HarnessError(
          `dataset ${plan.name}: ${tool} sent nothing for ${LIVE_TIMEOUT_MS / 1000} s (deadline): the source stopped answering`,
        );
      throw new UsageError(`dataset ${plan.name}: the copy failed: ${redact(firstError(e), s.password)}`);
    } finally {
      clearInterval(watchdog);
    }
    return filter.info;
  };
  const ignore = nonTx.map((t) => `--ignore-table=${t}`);
  progress(
    `dataset ${plan.name}: copying ${plan.live?.transactional.length ?? 0} transactional tables in one consistent snapshot (no lock)`,
  );
  const dump = await runDump(
    ['--single-transaction', '--skip-lock-tables', '--routines', '--events', '--triggers', ...ignore, '--databases', ...plan.databases],
    plan.databases[0]!,
  );
  if (!nonTx.length) return { dump };
  let lockMs = 0;
  for (const db of plan.databases) {
    const tables = nonTx.filter((t) => t.startsWith(`${db}.`)).map((t) => t.slice(db.length + 1));
    if (!tables.length) continue;
    let lockedAt = 0;
    let unlockedAt = 0;
    progress(`dataset ${plan.name}: copying non-transactional ${db}.{${tables.join(',')}} under LOCK TABLES … READ`);
    const t0 = Date.now();
    const d = await runDump(['--verbose', '--lock-tables', '--skip-add-locks', db, ...tables], db, (l) => {
      // mysqldump/mariadb-dump: LOCK TABLES right after connecting, before the first "Retrieving table structure";
      // released when it disconnects.
      if (!lockedAt && /Retrieving table structure|Sending SELECT/.test(l)) lockedAt = Date.now();
      if (/Disconnecting from/.test(l)) unlockedAt = Date.now();
    });
    lockMs += (unlockedAt || Date.now()) - (lockedAt || t0);
    dump.bytes += d.bytes;
    for (const [k, v] of Object.entries(d.removed)) dump.removed[k] = (dump.removed[k] ?? 0) + v;
  }
  return { dump, lock: { tables: nonTx, ms: lockMs } };
}
