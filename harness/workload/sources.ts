import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UsageError } from '../core/index.js';
import { ConnectError, endpointLabel, openConnection, type Connection, type Endpoint } from '../runtime/connection.js';
import { sakilaDir } from '../runtime/paths.js';
import { datasetSql, type Statement } from '../sql/index.js';
import { dumpFiles, scanDump, type DumpInfo, type SequenceOptions } from './dump-reader.js';

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
  /** Dumps and schemas: per table, its engine as CREATE TABLE names it; absent when not known before loading. */
  engines?: Record<string, string>;
  /** Dumps and schemas: the tables with a FLOAT column, and those created WITH SYSTEM VERSIONING (absent when not known
   * before loading): what a logical dump cannot carry exactly (their values rounded; their history, without --dump-history). */
  floatTables?: string[];
  versionedTables?: string[];
  /** Dumps: per sequence (`db.name`), its INCREMENT and CACHE (what a Galera cluster accepts depends on them). */
  sequences?: Record<string, SequenceOptions>;
  /** Bytes on disk (dump files, compressed as they are). */
  fileBytes: number;
  /** Live source: tables by whether their engine is transactional (the others are copied under a brief lock). */
  live?: { transactional: string[]; nonTransactional: string[] };
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
): Promise<
  Pick<
    DatasetPlan,
    'databases' | 'tables' | 'users' | 'fileBytes' | 'primaryKeys' | 'engines' | 'sequences' | 'floatTables' | 'versionedTables'
  >
> {
  const out = {
    databases: [] as string[],
    tables: [] as string[],
    users: [] as string[],
    fileBytes: 0,
    primaryKeys: {} as Record<string, number>,
    engines: {} as Record<string, string>,
    floatTables: [] as string[],
    versionedTables: [] as string[],
    sequences: {} as Record<string, SequenceOptions>,
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
    Object.assign(out.engines, info.engines);
    out.floatTables.push(...info.floatTables.filter((t) => !out.floatTables.includes(t)));
    out.versionedTables.push(...info.versionedTables.filter((t) => !out.versionedTables.includes(t)));
    Object.assign(out.sequences, info.sequences);
  }
  return out;
}

/** How long the live source may leave one query (or the dump tool's stream) without an answer. */
export const LIVE_TIMEOUT_MS = 10 * 60_000;

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
