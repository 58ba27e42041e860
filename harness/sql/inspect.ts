import type { Statement } from './dialect.js';

// Read-only statements used to inspect a server's data and schema (the same on MariaDB and MySQL).

/** Databases that belong to the server, never to the user: out of every comparison's scope. */
export const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'] as const;

export function quoteId(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}
export const qualified = (db: string, t: string) => `${quoteId(db)}.${quoteId(t)}`;

export const serverVersion = (): Statement => ({ sql: 'SELECT VERSION() AS v' });

export const listDatabases = (): Statement => ({
  sql: `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (${SYSTEM_SCHEMAS.map(() => '?').join(',')}) ORDER BY SCHEMA_NAME`,
  values: [...SYSTEM_SCHEMAS],
});

export const listTables = (db: string): Statement => ({
  sql: 'SELECT TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
  values: [db],
});

export const listColumns = (db: string, table: string): Statement => ({
  sql: 'SELECT COLUMN_NAME AS name, DATA_TYPE AS type, CHARACTER_SET_NAME AS charset, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
  values: [db, table],
});

/** The columns of every table of several databases at once (as listColumns gives them, with db and tbl). */
export const listColumnsOf = (dbs: readonly string[]): Statement => ({
  sql: `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, COLUMN_NAME AS name, DATA_TYPE AS type, CHARACTER_SET_NAME AS charset, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (${dbs.map(() => '?').join(', ') || 'NULL'}) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
  values: [...dbs],
});

/** The primary key columns of every table of several databases at once, in key order (db, tbl, name). */
export const primaryKeysOf = (dbs: readonly string[]): Statement => ({
  sql: `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, COLUMN_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (${dbs.map(() => '?').join(', ') || 'NULL'}) AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_SCHEMA, TABLE_NAME, SEQ_IN_INDEX`,
  values: [...dbs],
});

/** A string literal (for statements that take no placeholders, e.g. SHOW GRANTS FOR). */
const quoteString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const account = (user: string, host: string) => (host === '' ? quoteString(user) : `${quoteString(user)}@${quoteString(host)}`);

/** Every account and role (MariaDB roles have an empty host). */
export const listAccounts = (): Statement => ({ sql: 'SELECT User AS user, Host AS host FROM mysql.user ORDER BY User, Host' });
export const showCreateUser = (user: string, host: string): Statement => ({ sql: `SHOW CREATE USER ${account(user, host)}` });
export const showGrants = (user: string, host: string): Statement => ({ sql: `SHOW GRANTS FOR ${account(user, host)}` });

/**
 * The settings stored with an object that change what it does, as SHOW CREATE returns them beside the text
 * (sql_mode, character set and collation of the session that created it, the database collation, an event's time zone).
 */
export const DEFINITION_SETTINGS = ['sql_mode', 'character_set_client', 'collation_connection', 'Database Collation', 'time_zone'] as const;

export const primaryKeyColumns = (db: string, table: string): Statement => ({
  sql: "SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
  values: [db, table],
});

export type ObjectKind = 'DATABASE' | 'TABLE' | 'VIEW' | 'TRIGGER' | 'PROCEDURE' | 'FUNCTION' | 'EVENT';

/** Names of the schema objects of one kind in a database (tables/views come from listTables). */
export const listObjects = (db: string, kind: 'TRIGGER' | 'PROCEDURE' | 'FUNCTION' | 'EVENT'): Statement => {
  switch (kind) {
    case 'TRIGGER':
      return {
        sql: 'SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY TRIGGER_NAME',
        values: [db],
      };
    case 'EVENT':
      return { sql: 'SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME', values: [db] };
    default:
      return {
        sql: 'SELECT ROUTINE_NAME AS name FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE = ? ORDER BY ROUTINE_NAME',
        values: [db, kind],
      };
  }
};

export const showCreate = (kind: ObjectKind, db: string, name: string): Statement => ({
  sql: kind === 'DATABASE' ? `SHOW CREATE DATABASE ${quoteId(db)}` : `SHOW CREATE ${kind} ${qualified(db, name)}`,
});

export const checksumTable = (db: string, table: string): Statement => ({ sql: `CHECKSUM TABLE ${qualified(db, table)} EXTENDED` });
export const checkTable = (db: string, table: string): Statement => ({ sql: `CHECK TABLE ${qualified(db, table)}` });

const NUMERIC_OR_TEMPORAL = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'integer',
  'bigint',
  'decimal',
  'numeric',
  'float',
  'double',
  'real',
  'bit',
  'year',
  'date',
  'time',
  'datetime',
  'timestamp',
]);
const SPATIAL = new Set([
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
  'geomcollection',
]);

export interface Column {
  name: string;
  type: string;
  charset?: string | null;
  extra?: string | null;
}

const FLOATING = new Set(['float', 'double', 'real', 'double precision']);
/** Types whose values can be as large as a row may be (beyond max_allowed_packet once in hex): hashed, not rendered. */
const LARGE = new Set([
  'tinyblob',
  'blob',
  'mediumblob',
  'longblob',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'json',
  'long',
  'long varchar',
]);

/**
 * One value of a row, rendered unambiguously and exactly: floating-point values by their exact double (shortest
 * round-trip text of CAST AS DOUBLE: a FLOAT's own text rounds to 6 digits), other numbers and times as their text
 * (no '#'), short strings and binaries as hex, values that can be large (BLOB, TEXT, JSON) and spatial values as
 * their SHA-256 (so no rendering can exceed max_allowed_packet, whatever the row's size).
 */
export function valueExpr(c: Column): string {
  const id = quoteId(c.name);
  const t = c.type.toLowerCase();
  if (t === 'bit') return `CAST(${id} AS UNSIGNED)`;
  if (FLOATING.has(t)) return `CAST(${id} AS DOUBLE)`;
  if (NUMERIC_OR_TEMPORAL.has(t)) return id;
  if (SPATIAL.has(t)) return `CONCAT(ST_SRID(${id}), ':', SHA2(ST_AsWKB(${id}), 256))`;
  if (LARGE.has(t)) return `SHA2(${id}, 256)`;
  return `HEX(${id})`;
}

/**
 * One expression that fingerprints a row as an unsigned 64-bit number: every value rendered by valueExpr, NULLs
 * marked apart from empty values, the whole hashed with SHA-256 (first 64 bits kept; MySQL 9.7 has no MD5).
 */
export function rowHashExpr(columns: readonly Column[]): string {
  const parts = columns.map(valueExpr);
  const nulls = columns.map((c) => `ISNULL(${quoteId(c.name)})`).join(', ');
  return hashOf(`${parts.join(', ')}, CONCAT(${nulls})`);
}

/**
 * A cheaper fingerprint for comparing two live servers (computed on both at the time, never stored): the CRC32 of the
 * same unambiguous rendering, strings as their bytes after their length instead of as hex, large and spatial values
 * as their own CRC32 (after their length). 32 bits, as CHECKSUM TABLE (whose equal values already settle a table as equal) and
 * pt-table-checksum; stored fingerprints (state files) keep rowHashExpr's SHA-256. SHA2 of the hex rendering was
 * 2.7× the cost of this on the bench's bulk table (MariaDB 10.11, 650k rows: 813–860 ms against 300–440 ms).
 */
export function liveRowHashExpr(columns: readonly Column[]): string {
  const parts = columns.map((c) => {
    const id = quoteId(c.name);
    const t = c.type.toLowerCase();
    if (t === 'bit' || FLOATING.has(t) || NUMERIC_OR_TEMPORAL.has(t)) return valueExpr(c);
    if (SPATIAL.has(t)) return `CONCAT(ST_SRID(${id}), ':', CRC32(ST_AsWKB(${id})))`;
    if (LARGE.has(t)) return `OCTET_LENGTH(${id}), CRC32(${id})`;
    // as bytes: columns of different collations in one CONCAT_WS would be an illegal mix
    return `OCTET_LENGTH(${id}), CAST(${id} AS BINARY)`;
  });
  const nulls = columns.map((c) => `ISNULL(${quoteId(c.name)})`).join(', ');
  return `CRC32(CONCAT_WS('#', ${parts.join(', ')}, CONCAT(${nulls})))`;
}

/** The first 64 bits of the SHA-256 of the '#'-joined list, as an unsigned number. */
const hashOf = (list: string) => `CAST(CONV(LEFT(SHA2(CONCAT_WS('#', ${list}), 256), 16), 16, 10) AS UNSIGNED)`;

const tuple = (cols: readonly string[]) => (cols.length === 1 ? quoteId(cols[0]!) : `(${cols.map(quoteId).join(', ')})`);
const placeholders = (n: number) => (n === 1 ? '?' : `(${Array(n).fill('?').join(', ')})`);

/** A key range (lo, hi]: lo undefined means from the start, hi undefined means to the end. */
export interface KeyRange {
  lo?: unknown[];
  hi?: unknown[];
}

function rangeWhere(pk: readonly string[], r: KeyRange): { where: string; values: unknown[] } {
  const conds: string[] = [];
  const values: unknown[] = [];
  if (r.lo) {
    conds.push(`${tuple(pk)} > ${placeholders(pk.length)}`);
    values.push(...r.lo);
  }
  if (r.hi) {
    conds.push(`${tuple(pk)} <= ${placeholders(pk.length)}`);
    values.push(...r.hi);
  }
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', values };
}

/** The key of the row `size` rows after `after` (the next chunk's upper bound), or nothing past the end. */
export function nextChunkBoundary(db: string, table: string, pk: readonly string[], after: unknown[] | undefined, size: number): Statement {
  const { where, values } = rangeWhere(pk, { lo: after });
  return {
    sql: `SELECT ${pk.map(quoteId).join(', ')} FROM ${qualified(db, table)} ${where} ORDER BY ${pk.map(quoteId).join(', ')} LIMIT 1 OFFSET ${size - 1}`,
    values,
  };
}

/** Row count and XOR of row fingerprints over a key range (`live`: liveRowHashExpr's, for two live servers only). */
export function chunkChecksum(
  db: string,
  table: string,
  pk: readonly string[],
  cols: readonly Column[],
  r: KeyRange,
  live = false,
): Statement {
  const { where, values } = rangeWhere(pk, r);
  const h = live ? liveRowHashExpr(cols) : rowHashExpr(cols);
  return { sql: `SELECT COUNT(*) AS n, COALESCE(BIT_XOR(${h}), 0) AS h FROM ${qualified(db, table)} ${where}`, values };
}

/** A key range narrowed to the keys of one group of `keyGroups` (a single integer key `DIV width` equal to `group`). */
export interface KeyGroup {
  width: number;
  group: string;
}

/** Whether a table's key can be cut into groups by `key DIV width`: one column of an integer type. */
export const groupableKey = (pk: readonly string[], cols: readonly Column[]): boolean =>
  pk.length === 1 && INTEGER.has(cols.find((c) => c.name === pk[0])?.type.toLowerCase() ?? '');
const INTEGER = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);

/**
 * Row count and XOR of the live fingerprints of a key range, per group of `width` neighbouring key values (a single
 * integer key): one read of the range on each server says which small groups hold the rows that differ.
 */
export function keyGroups(
  db: string,
  table: string,
  pk: readonly string[],
  cols: readonly Column[],
  r: KeyRange,
  width: number,
): Statement {
  const { where, values } = rangeWhere(pk, r);
  // grouped by the alias: MySQL's ONLY_FULL_GROUP_BY refuses CAST(key DIV w) in the list when grouped by key DIV w
  const g = `${quoteId(pk[0]!)} DIV ${Math.max(1, Math.floor(width))}`;
  return {
    sql: `SELECT CAST(${g} AS CHAR) AS g, COUNT(*) AS n, COALESCE(BIT_XOR(${liveRowHashExpr(cols)}), 0) AS h FROM ${qualified(db, table)} ${where} GROUP BY g`,
    values,
  };
}

/** One key range of one table: its key and columns (what the statements that read a chunk's rows take). */
export interface TableChunk {
  db: string;
  table: string;
  pk: readonly string[];
  cols: readonly Column[];
  r: KeyRange;
}

/** Key and fingerprint of every row in a key range, in key order (to name the rows that differ; `live` as chunkChecksum;
 * `group`: only that group's keys). */
export function chunkRows({ db, table, pk, cols, r }: TableChunk, live = false, group?: KeyGroup): Statement {
  const range = rangeWhere(pk, r);
  const cond = group ? `${quoteId(pk[0]!)} DIV ${Math.max(1, Math.floor(group.width))} = CAST(? AS DECIMAL(20, 0))` : '';
  const where = cond ? (range.where ? `${range.where} AND ${cond}` : `WHERE ${cond}`) : range.where;
  const values = group ? [...range.values, group.group] : range.values;
  return {
    sql: `SELECT ${pk.map(quoteId).join(', ')}, ${live ? liveRowHashExpr(cols) : rowHashExpr(cols)} AS __h FROM ${qualified(db, table)} ${where} ORDER BY ${pk.map(quoteId).join(', ')}`,
    values,
  };
}

/**
 * How a system-versioned table's versions are read. `implicitPeriod`: its period columns are the pseudo-columns
 * ROW_START/ROW_END (not in information_schema.COLUMNS). `periodEnd`: 'current' (the default) reads a TIMESTAMP period
 * end at or past 2038-01-19 03:14:07 UTC as "current" rather than as its literal value: the current rows' ROW_END is
 * the largest TIMESTAMP, which MariaDB 11.5 moved from 2038-01-19 03:14:07.999999 to 2106-02-07 06:28:15.999999
 * (MDEV-32188, MariaDB commit dfdedd46e4: "for tables using system versioning we before stored a timestamp with the
 * year 2038 as the 'max timestamp', which is used to detect current values. This patch stores the new 2106 year max
 * value"; commit 24c57165d5 converts old row ends on ALTER TABLE and on replication from a pre-11.4 server), so the
 * same current row reads alike on both sides of that upgrade (F31). A real
 * history row's end is a past time, before either maximum. 'literal' is the reading of state files of format 1.
 */
export interface HistoryRead {
  implicitPeriod: boolean;
  periodEnd?: 'current' | 'literal';
}

/** A system-versioned table's current rows by their values alone: without an explicit period's start and end columns
 * (a dump reloads current rows with new start times; their end is the largest TIMESTAMP, which versions differ on). */
export const valuesWithoutPeriod = (cols: readonly Column[]): Column[] =>
  cols.filter((c) => !/ROW (START|END)/i.test(String(c.extra ?? '')));

/** The older maximum TIMESTAMP, 2^31 - 1 seconds after the epoch: a period end at or past it is the current rows'. */
const OLD_TIMESTAMP_MAX = 2147483647;
const periodEndExpr = (e: string) => `IF(UNIX_TIMESTAMP(${e}) >= ${OLD_TIMESTAMP_MAX}, 'current', ${e})`;

/** One version's fingerprint: its values and its period (the end read as "current" unless asked for the literal). */
function versionHashExpr(cols: readonly Column[], history: HistoryRead): string {
  const current = history.periodEnd !== 'literal';
  const rowEnd = (c: Column) => current && /ROW END/i.test(String(c.extra ?? '')) && c.type.toLowerCase() === 'timestamp';
  // an explicit period's end column is one of the row's columns: read as "current" in place, NULL marks unchanged
  const values = cols.map((c) => (rowEnd(c) ? periodEndExpr(quoteId(c.name)) : valueExpr(c)));
  const nulls = cols.map((c) => `ISNULL(${quoteId(c.name)})`).join(', ');
  const row = cols.some(rowEnd) ? hashOf(`${values.join(', ')}, CONCAT(${nulls})`) : rowHashExpr(cols);
  if (!history.implicitPeriod) return row;
  // Implicit period columns are not in information_schema.COLUMNS; their pseudo-columns name them.
  return hashOf(`${row}, ROW_START, ${current ? periodEndExpr('ROW_END') : 'ROW_END'}`);
}

/**
 * For a table without a primary key: the multiset of row fingerprints (duplicates counted, not cancelled). With
 * `history` (a MariaDB system-versioned table): every version of every row, with when it was current.
 */
export function rowHashMultiset(db: string, table: string, cols: readonly Column[], history?: HistoryRead): Statement {
  const all = history ? ' FOR SYSTEM_TIME ALL' : '';
  const h = history ? versionHashExpr(cols, history) : rowHashExpr(cols);
  return { sql: `SELECT h, COUNT(*) AS n FROM (SELECT ${h} AS h FROM ${qualified(db, table)}${all}) x GROUP BY h` };
}

/** Table types whose content is more than their current rows: sequences (their state) and system-versioned tables (history). */
export const SEQUENCE = 'SEQUENCE';
export const SYSTEM_VERSIONED = 'SYSTEM VERSIONED';

/** The server's binary log files (Log_name), oldest first. */
export const binaryLogs = (): Statement => ({ sql: 'SHOW BINARY LOGS' });
/** The events of one binary log file (Event_type, Info). */
export const binlogEvents = (file: string): Statement => ({ sql: `SHOW BINLOG EVENTS IN ${quoteString(file)}` });

/**
 * The GTID a binlog event starts, from SHOW BINLOG EVENTS' Info: MariaDB `BEGIN GTID 0-1-5` / `GTID 0-1-5`,
 * MySQL `SET @@SESSION.GTID_NEXT= 'uuid[:tag]:5'`; undefined for other events.
 */
export function gtidOfBinlogEvent(eventType: string, info: string): string | undefined {
  if (!/^Gtid/i.test(eventType)) return undefined;
  return /GTID_NEXT\s*=\s*'([^']+)'/i.exec(info)?.[1] ?? /\bGTID (\d+-\d+-\d+)\b/.exec(info)?.[1];
}

/**
 * The fingerprint of a whole table's rows: count, XOR and sum of row fingerprints (the sum keeps duplicate rows from
 * cancelling out). With `history`, every version of every row of a system-versioned table with its period.
 */
export function tableFingerprint(db: string, table: string, cols: readonly Column[], history?: HistoryRead): Statement {
  const all = history ? ' FOR SYSTEM_TIME ALL' : '';
  const h = history ? versionHashExpr(cols, history) : rowHashExpr(cols);
  return {
    sql: `SELECT COUNT(*) AS n, COALESCE(BIT_XOR(h), 0) AS x, COALESCE(SUM(h & 4294967295), 0) AS s FROM (SELECT ${h} AS h FROM ${qualified(db, table)}${all}) r`,
  };
}

/** Every global variable as the server runs it: rows {Variable_name, Value}. */
export const globalVariables = (): Statement => ({ sql: 'SHOW GLOBAL VARIABLES' });
