import { inspect } from '../sql/index.js';
import type { Column, HistoryRead, ObjectKind } from '../sql/inspect.js';
import { reason, type Queryable } from './check.js';
import { readCheckTable } from './check-table.js';
import { dataTables, databasesInScope, tablesOf } from './scope.js';

export interface TableState {
  /** CHECKSUM TABLE ... EXTENDED; null when the engine gives none. Only a fast path to "equal". */
  checksum: string | null;
  /** Table type (BASE TABLE, SEQUENCE, SYSTEM VERSIONED). */
  type?: string;
  /** The rows' own fingerprint (count, XOR and sum of row fingerprints; history included for system-versioned
   * tables): what decides when checksums differ or are missing. null when the rows could not be read. */
  rows?: { n: string; x: string; s: string } | null;
  /** A system-versioned table's current rows alone (no history): what still decides where a method cannot carry the
   * history (a logical dump without --dump-history). Absent in snapshots of other tables and of earlier versions. */
  current?: { n: string; x: string; s: string } | null;
  /** CHECK TABLE: ok when its last status row says OK; every message kept. */
  checkOk: boolean;
  checkMessages: string[];
  /** The engine cannot check the table (MEMORY, SEQUENCE): it was not checked (checkOk false, never a pass). */
  checkUnsupported?: true;
}

/** What a server looks like at one point: per table health and checksum, and every schema object's definition. */
export interface Snapshot {
  takenAt: string;
  databases: string[];
  tables: Record<string, TableState>;
  /** Key `KIND db.name` (DATABASE db), value the normalised SHOW CREATE text. */
  objects: Record<string, string>;
}

export const tableKey = (db: string, t: string) => `${db}.${t}`;

/** SHOW CREATE output with the parts that are not definition removed (table AUTO_INCREMENT counters). */
export function normaliseDefinition(kind: ObjectKind, text: string): string {
  return kind === 'TABLE' ? text.replace(/ AUTO_INCREMENT=\d+/, '') : text;
}

const CREATE_COLUMN: Record<ObjectKind, string> = {
  DATABASE: 'Create Database',
  TABLE: 'Create Table',
  VIEW: 'Create View',
  TRIGGER: 'SQL Original Statement',
  PROCEDURE: 'Create Procedure',
  FUNCTION: 'Create Function',
  EVENT: 'Create Event',
};

/** Marks a definition that could not be read: compared, it is always a difference, even against the same mark. */
export const UNREADABLE = '<definition not readable';

/** The settings stored with the object that change its behaviour, as one line appended to its text. */
function settingsOf(row: Record<string, unknown>): string {
  const parts = inspect.DEFINITION_SETTINGS.filter((k) => row[k] !== undefined && row[k] !== null).map((k) => `${k}=${String(row[k])}`);
  return parts.length ? `\n/* ${parts.join('; ')} */` : '';
}

async function definition(q: Queryable, kind: ObjectKind, db: string, name: string): Promise<string> {
  let row: Record<string, unknown> | undefined;
  try {
    [row] = await q.query<Record<string, unknown>>(inspect.showCreate(kind, db, name));
  } catch (e) {
    // A damaged table cannot show its definition: that is a finding, recorded as such, never a silent pass.
    return `${UNREADABLE}: ${reason(e)}>`;
  }
  const text = row?.[CREATE_COLUMN[kind]];
  if (text === null || text === undefined) {
    // A definer without privileges shows NULL: a check that cannot be made is reported, never passed silently.
    return `${UNREADABLE}: SHOW CREATE ${kind} returned no text>`;
  }
  return normaliseDefinition(kind, String(text)) + (kind === 'TABLE' || kind === 'DATABASE' ? '' : settingsOf(row!));
}

/** Every schema object's definition in the given databases. */
export async function schemaObjects(q: Queryable, dbs: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const db of dbs) {
    out[`DATABASE ${db}`] = await definition(q, 'DATABASE', db, db);
    for (const t of await tablesOf(q, db)) {
      const kind: ObjectKind = t.type === 'VIEW' ? 'VIEW' : 'TABLE';
      out[`${kind} ${db}.${t.name}`] = await definition(q, kind, db, t.name);
    }
    for (const kind of ['TRIGGER', 'PROCEDURE', 'FUNCTION', 'EVENT'] as const) {
      for (const r of await q.query<{ name: string }>(inspect.listObjects(db, kind))) {
        out[`${kind} ${db}.${r.name}`] = await definition(q, kind, db, r.name);
      }
    }
  }
  return out;
}

/** CHECK TABLE of one table: ok, an error, or unchecked (the engine cannot check it: MEMORY, SEQUENCE). */
export async function checkTableState(
  q: Queryable,
  db: string,
  table: string,
): Promise<{ ok: boolean; unchecked: boolean; messages: string[] }> {
  let rows: Array<{ Msg_type: string; Msg_text: string }>;
  try {
    rows = await q.query<{ Msg_type: string; Msg_text: string }>(inspect.checkTable(db, table));
  } catch (e) {
    return { ok: false, unchecked: false, messages: [`error: CHECK TABLE failed: ${reason(e)}`] };
  }
  const a = readCheckTable(rows);
  return { ok: a.status === 'ok', unchecked: a.status === 'unchecked', messages: a.messages };
}

/** CHECKSUM TABLE; null when the server gives none (engine without checksums, or a table it cannot read). */
export async function checksumOf(q: Queryable, db: string, table: string): Promise<string | null> {
  try {
    const [row] = await q.query<{ Checksum: string | number | null }>(inspect.checksumTable(db, table));
    return row?.Checksum === null || row?.Checksum === undefined ? null : String(row.Checksum);
  } catch (e) {
    reason(e); // a harness failure goes on; a table the server cannot checksum is null
    return null;
  }
}

/** The fingerprint of a table's rows (history included for a system-versioned table); null when they cannot be read. */
export const rowsFingerprint = (q: Queryable, db: string, table: string, type: string, periodEnd: HistoryRead['periodEnd'] = 'current') =>
  fingerprintOf(q, db, table, (cols) => ({
    cols,
    history:
      type === inspect.SYSTEM_VERSIONED
        ? { implicitPeriod: !cols.some((c) => /ROW START/i.test(String(c.extra ?? ''))), periodEnd }
        : undefined,
  }));

/** A system-versioned table's current rows alone, by their values (inspect.valuesWithoutPeriod). */
const currentRowsFingerprint = (q: Queryable, db: string, table: string) =>
  fingerprintOf(q, db, table, (cols) => ({ cols: inspect.valuesWithoutPeriod(cols) }));

async function fingerprintOf(
  q: Queryable,
  db: string,
  table: string,
  read: (cols: Column[]) => { cols: Column[]; history?: HistoryRead },
): Promise<TableState['rows']> {
  try {
    const r0 = read(await q.query<Column>(inspect.listColumns(db, table)));
    const [r] = await q.query<{ n: unknown; x: unknown; s: unknown }>(inspect.tableFingerprint(db, table, r0.cols, r0.history));
    return { n: String(r?.n), x: String(r?.x), s: String(r?.s) };
  } catch (e) {
    reason(e); // a harness failure goes on; rows that cannot be read are null
    return null;
  }
}

export interface SnapshotOptions {
  /** The snapshot this one will be compared with (checksumsEqual): rows are fingerprinted only where its checksum
   * does not already settle the table. Such a snapshot is for that comparison only, not an expected state. */
  against?: Snapshot;
}

/**
 * Takes a snapshot: CHECK TABLE, CHECKSUM TABLE and the rows' own fingerprint on every table that holds data
 * (sequences and system-versioned history included), every schema object's definition. Reads only.
 */
export async function takeSnapshot(q: Queryable, only?: readonly string[], opts: SnapshotOptions = {}): Promise<Snapshot> {
  const databases = await databasesInScope(q, only);
  const tables: Record<string, TableState> = {};
  for (const t of await dataTables(q, databases)) {
    const key = tableKey(t.database, t.name);
    const c = await checkTableState(q, t.database, t.name);
    const checksum = await checksumOf(q, t.database, t.name);
    const e = opts.against?.tables[key];
    // Against an expected snapshot, an equal checksum already settles the table (checksumsEqual reads no rows then):
    // the rows are fingerprinted only where they will decide.
    const settled = !!e && e.checksum !== null && e.checksum === checksum && t.type !== inspect.SYSTEM_VERSIONED;
    tables[key] = {
      checksum,
      type: t.type,
      ...(settled ? {} : { rows: await rowsFingerprint(q, t.database, t.name, t.type) }),
      ...(t.type === inspect.SYSTEM_VERSIONED ? { current: await currentRowsFingerprint(q, t.database, t.name) } : {}),
      checkOk: c.ok,
      checkMessages: c.messages,
      ...(c.unchecked ? { checkUnsupported: true as const } : {}),
    };
  }
  return { takenAt: new Date().toISOString(), databases, tables, objects: await schemaObjects(q, databases) };
}
