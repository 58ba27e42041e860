import { inspect, stateSql } from '../sql/index.js';
import type { Column, KeyRange } from '../sql/inspect.js';
import { check, type CheckResult, type Difference, type Queryable } from './check.js';
import { compareObjects } from './compare-snapshot.js';
import { compareStateAccounts, recordAccounts, type StateAccounts } from './state-accounts.js';
import { compareServerOptions, recordServerOptions, type ServerOptions } from './state-options.js';
import { columnsByTable, dataTables, databasesInScope, primaryKeysByTable } from './scope.js';
import { namedSettingsLimit, setSettingsAside, type SettingsLimit } from './settings-not-carried.js';
import { checksumOf, rowsFingerprint, schemaObjects, tableKey } from './snapshot.js';

/**
 * The state a backup must restore to, recorded by `firedrill snapshot` when the backup is taken (seed 000: the
 * checks run on the backup replica just before the backup) and compared by `firedrill restore-test --expect`.
 * Versioned JSON. Row fingerprints decide; CHECKSUM TABLE is only a fast path to "equal". Accounts and grants are
 * recorded without any password hash: a salted scrypt digest of each account's authentication stands for it.
 */
export const STATE_FORMAT = 'firedrill-state/2';
/**
 * Format 1 fingerprinted a system-versioned table's history with its current rows' ROW_END as a literal (the
 * largest TIMESTAMP, which differs between MariaDB before and from 11.5: F31); format 2 reads it as "current". A
 * state of format 1 is still read, and its history compared the way it was recorded.
 */
const OLDER_FORMATS = ['firedrill-state/1'] as const;

/** Row fingerprints of a table with a primary key: one (count, XOR of row hashes) per key range (lo, hi]. */
interface ChunkFingerprints {
  method: 'pk-chunks';
  chunkRows: number;
  /** In key order; a chunk's range starts after the previous chunk's `hi`; the last one has `hi` null (to the end). */
  chunks: Array<{ hi: unknown[] | null; rows: number; hash: string }>;
}
/** Row fingerprints of a table without a primary key: the multiset's count, sum and XOR of row hashes. */
interface MultisetFingerprint {
  method: 'multiset';
  rows: number;
  sum: string;
  xor: string;
}

interface StateTable {
  rows: number;
  checksum: string | null;
  columns: Column[];
  primaryKey: string[];
  fingerprint: ChunkFingerprints | MultisetFingerprint;
  /** information_schema's table type (BASE TABLE, SEQUENCE, SYSTEM VERSIONED). */
  type?: string;
  /** For a sequence or a system-versioned table: the whole table's fingerprint, history included (verify's). */
  whole?: { n: string; x: string; s: string } | null;
}

export interface RecordedState {
  format: typeof STATE_FORMAT | (typeof OLDER_FORMATS)[number];
  takenAt: string;
  source: { label: string; version: string; family: 'mariadb' | 'mysql'; serverId: number; hostname: string };
  /** The databases asked for (--databases), or 'all' (every non-system database: an extra one is a difference). */
  scope: string[] | 'all';
  gtid: { executed: string; replicaPos: string; heldReplica: boolean };
  databases: string[];
  tables: Record<string, StateTable>;
  objects: Record<string, string>;
  accounts: StateAccounts;
  /** The options that change how the server reads data and definitions (absent in states of earlier versions). */
  options?: ServerOptions;
  timings: Record<string, number>;
}

type Row = Record<string, unknown>;

async function fingerprintKeyed(
  q: Queryable,
  db: string,
  t: string,
  pk: string[],
  cols: Column[],
  chunkRows: number,
): Promise<ChunkFingerprints> {
  const chunks: ChunkFingerprints['chunks'] = [];
  let lo: unknown[] | undefined;
  for (;;) {
    const [b] = await q.query<Row>(inspect.nextChunkBoundary(db, t, pk, lo, chunkRows));
    const hi = b ? pk.map((c) => b[c]) : undefined;
    const [s] = await q.query<Row>(inspect.chunkChecksum(db, t, pk, cols, { lo, hi }));
    chunks.push({ hi: hi ?? null, rows: Number(s?.['n'] ?? 0), hash: String(s?.['h'] ?? '0') });
    if (!hi) break;
    lo = hi;
  }
  return { method: 'pk-chunks', chunkRows, chunks };
}

async function fingerprintUnkeyed(q: Queryable, db: string, t: string, cols: Column[]): Promise<MultisetFingerprint> {
  const [r] = await q.query<Row>(stateSql.rowMultisetDigest(db, t, cols));
  return { method: 'multiset', rows: Number(r?.['n'] ?? 0), sum: String(r?.['s'] ?? '0'), xor: String(r?.['x'] ?? '0') };
}

export interface TakeStateOptions {
  databases?: readonly string[];
  label: string;
  family: 'mariadb' | 'mysql';
  gtidExecuted: string;
  replicaPos: string;
  heldReplica: boolean;
  chunkRows?: number;
  progress?: (m: string) => void;
}

/** Records the state of a live server. Reads only. */
export async function takeState(q: Queryable, o: TakeStateOptions): Promise<RecordedState> {
  const t0 = Date.now();
  const [facts] = await q.query<Row>(stateSql.serverFacts());
  const databases = await databasesInScope(q, o.databases);
  const tables: Record<string, StateTable> = {};
  // columns and primary keys of every table in two information_schema reads (not two queries per table)
  const [allColumns, allKeys] = [await columnsByTable(q, databases), await primaryKeysByTable(q, databases)];
  for (const t of await dataTables(q, databases)) {
    o.progress?.(`fingerprinting ${t.database}.${t.name}`);
    const key = tableKey(t.database, t.name);
    const columns = (allColumns.get(key) ?? []).map((c) => ({ name: String(c.name), type: String(c.type) }));
    const primaryKey = allKeys.get(key) ?? [];
    const checksum = await checksumOf(q, t.database, t.name);
    const fingerprint = primaryKey.length
      ? await fingerprintKeyed(q, t.database, t.name, primaryKey, columns, o.chunkRows ?? 1000)
      : await fingerprintUnkeyed(q, t.database, t.name, columns);
    const rows = fingerprint.method === 'multiset' ? fingerprint.rows : fingerprint.chunks.reduce((s, c) => s + c.rows, 0);
    const typed = t.type !== 'BASE TABLE' ? { type: t.type, whole: await rowsFingerprint(q, t.database, t.name, t.type) } : {};
    tables[tableKey(t.database, t.name)] = { rows, checksum, columns, primaryKey, fingerprint, ...typed };
  }
  const t1 = Date.now();
  o.progress?.('reading every schema object');
  const objects = await schemaObjects(q, databases);
  const t2 = Date.now();
  o.progress?.('reading accounts and grants');
  const accounts = await recordAccounts(q);
  const options = await recordServerOptions(q);
  return {
    format: STATE_FORMAT,
    takenAt: new Date(t0).toISOString(),
    source: {
      label: o.label,
      version: String(facts?.['version'] ?? ''),
      family: o.family,
      serverId: Number(facts?.['serverId'] ?? 0),
      hostname: String(facts?.['hostname'] ?? ''),
    },
    scope: o.databases?.length ? [...o.databases] : 'all',
    gtid: { executed: o.gtidExecuted, replicaPos: o.replicaPos, heldReplica: o.heldReplica },
    databases,
    tables,
    objects,
    accounts,
    options,
    timings: { tablesMs: t1 - t0, objectsMs: t2 - t1, accountsMs: Date.now() - t2 },
  };
}

/** Reads a state file's JSON; anything that is not a state of a known format is refused with the reason. */
export function parseState(text: string): RecordedState {
  let s: Partial<RecordedState>;
  try {
    s = JSON.parse(text) as Partial<RecordedState>;
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  if (s?.format !== STATE_FORMAT && !OLDER_FORMATS.some((f) => f === s?.format))
    throw new Error(`not a firedrill state (format ${JSON.stringify(s?.format)}, expected ${STATE_FORMAT})`);
  for (const k of ['takenAt', 'source', 'scope', 'gtid', 'databases', 'tables', 'objects', 'accounts'] as const) {
    if (s[k] === undefined) throw new Error(`state lacks '${k}'`);
  }
  return s as RecordedState;
}

const rowsOf = (v: unknown) => (v && typeof v === 'object' && 'rows' in v ? String((v as { rows: unknown }).rows) : undefined);
/** A rows difference whose two sides hold as many rows (what differs is values). */
const sameRowCount = (d: Difference) =>
  /^(chunk-differs|rows-differ-no-primary-key)$/.test(d.kind) &&
  rowsOf(d.expected) !== undefined &&
  rowsOf(d.expected) === rowsOf(d.actual);

const split = (key: string) => {
  const i = key.indexOf('.');
  return { database: key.slice(0, i), object: key.slice(i + 1) };
};
const fmtRange = (pk: readonly string[], r: KeyRange) =>
  `${pk.join(',')} in (${r.lo ? r.lo.map(String).join(',') : '-inf'}, ${r.hi ? r.hi.map(String).join(',') : '+inf'}]`;

/** Compares one table's rows with its recorded fingerprints; returns the differences (none when equal). */
async function tableDifferences(
  q: Queryable,
  key: string,
  e: StateTable,
  o: { checksumFastPath: boolean; columns: readonly Column[]; periodEnd: 'current' | 'literal' },
): Promise<{ diffs: Difference[]; decidedBy: 'checksum' | 'fingerprints' }> {
  const { database: db, object: t } = split(key);
  const where = { database: db, object: t };
  const columns = o.columns.map((c) => ({ name: String(c.name), type: String(c.type) }));
  if (JSON.stringify(columns) !== JSON.stringify(e.columns))
    return { diffs: [{ ...where, kind: 'columns-differ', expected: e.columns, actual: columns }], decidedBy: 'fingerprints' };
  if (e.whole && e.type) {
    // A sequence's state or a system-versioned table's history: the whole table's fingerprint decides first.
    const w = await rowsFingerprint(q, db, t, e.type, o.periodEnd);
    if (!w || w.n !== e.whole.n || w.x !== e.whole.x || w.s !== e.whole.s) {
      return {
        diffs: [
          {
            ...where,
            kind: 'rows-differ-history-included',
            where: `whole ${e.type.toLowerCase()} table`,
            expected: { rows: e.whole.n },
            actual: { rows: w?.n ?? null },
          },
        ],
        decidedBy: 'fingerprints',
      };
    }
  }
  if (o.checksumFastPath && e.checksum !== null) {
    const c = await checksumOf(q, db, t);
    if (c !== null && c === e.checksum) return { diffs: [], decidedBy: 'checksum' };
  }
  const f = e.fingerprint;
  if (f.method === 'multiset') {
    const a = await fingerprintUnkeyed(q, db, t, columns);
    if (a.rows === f.rows && a.sum === f.sum && a.xor === f.xor) return { diffs: [], decidedBy: 'fingerprints' };
    return {
      diffs: [
        {
          ...where,
          kind: 'rows-differ-no-primary-key',
          where: 'whole table (no primary key: rows compared as a multiset)',
          expected: { rows: f.rows },
          actual: { rows: a.rows },
        },
      ],
      decidedBy: 'fingerprints',
    };
  }
  const diffs: Difference[] = [];
  let lo: unknown[] | undefined;
  for (const c of f.chunks) {
    const r: KeyRange = { lo, hi: c.hi ?? undefined };
    const [s] = await q.query<Row>(inspect.chunkChecksum(db, t, e.primaryKey, columns, r));
    const rows = Number(s?.['n'] ?? 0);
    const hash = String(s?.['h'] ?? '0');
    if (rows !== c.rows || hash !== c.hash)
      diffs.push({ ...where, kind: 'chunk-differs', where: fmtRange(e.primaryKey, r), expected: { rows: c.rows }, actual: { rows } });
    lo = c.hi ?? undefined;
  }
  return { diffs, decidedBy: 'fingerprints' };
}

export interface CompareStateOptions {
  /** Accounts the restore itself created (its own admin): left out of the comparison. */
  ownAccounts?: readonly string[];
  /** Why accounts cannot be compared (e.g. a dump without the mysql database); absent: they are compared. */
  accountsNotInBackup?: string;
  /** The GTID position the backup records (read from the artifact or the restored server). */
  backupGtid?: string;
  /** Whether two GTID positions are the same (the flavor's algebra). */
  gtidEqual?: (a: string, b: string) => boolean;
  checksumFastPath?: boolean;
  progress?: (m: string) => void;
  /** Tables whose rows the backup's method cannot carry, named before the restore: their rows are not compared
   * (listed with the reason in state-data's details); they must still exist with their definition. */
  rowsNotCarried?: ReadonlyArray<{ table: string; reason: string; notCarried: 'rows' | 'history' | 'float-precision' }>;
  /** Definition settings the method cannot carry (myloader's sql_mode): compared without them, named in the details. */
  settingsNotCarried?: SettingsLimit;
}

/**
 * Compares a restored server with a recorded state: every table's rows (fingerprints decide, an equal CHECKSUM TABLE
 * is a fast path), every schema object, accounts and grants, the GTID position. Every difference is reported.
 */
export async function compareWithState(expected: RecordedState, q: Queryable, o: CompareStateOptions = {}): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const present = await databasesInScope(q);
  const dbs = expected.databases.filter((d) => present.includes(d));
  const diffs: Difference[] = [];
  for (const d of expected.databases) if (!present.includes(d)) diffs.push({ database: d, object: '*', kind: 'database-missing' });
  if (expected.scope === 'all')
    for (const d of present) if (!expected.databases.includes(d)) diffs.push({ database: d, object: '*', kind: 'database-unexpected' });
  const actualTables = new Set((await dataTables(q, dbs)).map((t) => tableKey(t.database, t.name)));
  for (const k of actualTables) if (!expected.tables[k]) diffs.push({ ...split(k), kind: 'table-unexpected' });
  const limited = (o.rowsNotCarried ?? []).filter((l) => expected.tables[l.table]);
  const notCarried = new Map(limited.filter((l) => l.notCarried === 'rows').map((l) => [l.table, l.reason]));
  const noHistory = new Set(limited.filter((l) => l.notCarried === 'history').map((l) => l.table));
  const countsOnly = new Set(limited.filter((l) => l.notCarried === 'float-precision').map((l) => l.table));
  let byChecksum = 0;
  let byFingerprints = 0;
  let rows = 0;
  const allColumns = await columnsByTable(q, dbs);
  for (const [key, e] of Object.entries(expected.tables)) {
    if (!actualTables.has(key)) {
      diffs.push({ ...split(key), kind: 'table-missing', expected: { rows: e.rows } });
      continue;
    }
    if (notCarried.has(key)) continue;
    o.progress?.(`comparing ${key} with the recorded state`);
    // history the method cannot carry: the current rows decide
    const r = await tableDifferences(q, key, noHistory.has(key) ? { ...e, whole: undefined } : e, {
      checksumFastPath: o.checksumFastPath ?? true,
      columns: allColumns.get(key) ?? [],
      periodEnd: expected.format === STATE_FORMAT ? 'current' : 'literal',
    });
    // values the method rounds (FLOAT through a MariaDB dump): only a different number of rows is a difference
    diffs.push(...(countsOnly.has(key) ? r.diffs.filter((d) => !sameRowCount(d)) : r.diffs));
    if (r.decidedBy === 'checksum') byChecksum++;
    else byFingerprints++;
    rows += e.rows;
  }
  out.push(
    check('state-data', diffs, {
      tablesCompared: Object.keys(expected.tables).length - notCarried.size,
      rowsExpected: rows,
      equalByChecksum: byChecksum,
      decidedByFingerprints: byFingerprints,
      ...(limited.length ? { notCarried: limited.map(({ table, notCarried: what, reason }) => ({ table, what, reason })) } : {}),
    }),
  );
  const [eo, ao] = setSettingsAside(expected.objects, await schemaObjects(q, dbs), o.settingsNotCarried);
  out.push(namedSettingsLimit(compareObjects(eo, ao, 'state-objects'), o.settingsNotCarried));
  if (o.accountsNotInBackup) {
    out.push({
      name: 'state-accounts',
      valid: true,
      status: 'not-applicable',
      reason: o.accountsNotInBackup,
      details: { accountsRecorded: Object.keys(expected.accounts.list).length },
    });
  } else {
    out.push(await compareStateAccounts(expected.accounts, q, o.ownAccounts));
  }
  out.push(await compareServerOptions(expected.options, q));
  const recorded = [expected.gtid.replicaPos, expected.gtid.executed].filter((g) => g !== '');
  if (recorded.length === 0) {
    out.push({
      name: 'state-gtid',
      valid: true,
      status: 'not-applicable',
      reason: 'the state records no GTID position (GTIDs off on the source)',
      details: {},
    });
  } else if (o.backupGtid === undefined) {
    out.push({
      name: 'state-gtid',
      valid: false,
      details: {
        differenceCount: 1,
        differences: [{ database: '*', object: 'gtid', kind: 'backup-records-no-gtid', expected: recorded[0] }],
      },
    });
  } else {
    const eq = o.gtidEqual ?? ((a: string, b: string) => a === b);
    const match = recorded.some((g) => {
      try {
        return eq(g, o.backupGtid!);
      } catch {
        return false;
      }
    });
    out.push(
      check(
        'state-gtid',
        match ? [] : [{ database: '*', object: 'gtid', kind: 'gtid-differs', expected: recorded.join(' or '), actual: o.backupGtid }],
        { recorded: expected.gtid, backup: o.backupGtid },
      ),
    );
  }
  return out;
}
