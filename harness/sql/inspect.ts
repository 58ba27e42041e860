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
  sql: "SELECT TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME",
  values: [db],
});

export const listColumns = (db: string, table: string): Statement => ({
  sql: 'SELECT COLUMN_NAME AS name, DATA_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
  values: [db, table],
});

export const primaryKeyColumns = (db: string, table: string): Statement => ({
  sql: "SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
  values: [db, table],
});

export type ObjectKind = 'DATABASE' | 'TABLE' | 'VIEW' | 'TRIGGER' | 'PROCEDURE' | 'FUNCTION' | 'EVENT';

/** Names of the schema objects of one kind in a database (tables/views come from listTables). */
export const listObjects = (db: string, kind: 'TRIGGER' | 'PROCEDURE' | 'FUNCTION' | 'EVENT'): Statement => {
  switch (kind) {
    case 'TRIGGER': return { sql: 'SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY TRIGGER_NAME', values: [db] };
    case 'EVENT': return { sql: 'SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME', values: [db] };
    default: return { sql: 'SELECT ROUTINE_NAME AS name FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE = ? ORDER BY ROUTINE_NAME', values: [db, kind] };
  }
};

export const showCreate = (kind: ObjectKind, db: string, name: string): Statement => ({
  sql: kind === 'DATABASE' ? `SHOW CREATE DATABASE ${quoteId(db)}` : `SHOW CREATE ${kind} ${qualified(db, name)}`,
});

export const checksumTable = (db: string, table: string): Statement => ({ sql: `CHECKSUM TABLE ${qualified(db, table)} EXTENDED` });
export const checkTable = (db: string, table: string): Statement => ({ sql: `CHECK TABLE ${qualified(db, table)}` });

const NUMERIC_OR_TEMPORAL = new Set([
  'tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric', 'float', 'double', 'real',
  'bit', 'year', 'date', 'time', 'datetime', 'timestamp',
]);
const SPATIAL = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon',
  'geometrycollection', 'geomcollection']);

export interface Column { name: string; type: string }

/**
 * One expression that fingerprints a row as an unsigned 64-bit number. Every value is rendered unambiguously
 * (text and binary as hex, spatial as hex WKB, numbers and times as their text, which holds no '#'), NULLs are
 * marked apart from empty values, and the rendering is hashed with SHA-256 (first 64 bits kept; MySQL 9.7 has no MD5).
 */
export function rowHashExpr(columns: readonly Column[]): string {
  const parts = columns.map((c) => {
    const id = quoteId(c.name);
    const t = c.type.toLowerCase();
    if (t === 'bit') return `CAST(${id} AS UNSIGNED)`;
    if (NUMERIC_OR_TEMPORAL.has(t)) return id;
    if (SPATIAL.has(t)) return `HEX(ST_AsWKB(${id}))`;
    return `HEX(${id})`;
  });
  const nulls = columns.map((c) => `ISNULL(${quoteId(c.name)})`).join(', ');
  return `CAST(CONV(LEFT(SHA2(CONCAT_WS('#', ${parts.join(', ')}, CONCAT(${nulls})), 256), 16), 16, 10) AS UNSIGNED)`;
}

const tuple = (cols: readonly string[]) => (cols.length === 1 ? quoteId(cols[0]!) : `(${cols.map(quoteId).join(', ')})`);
const placeholders = (n: number) => (n === 1 ? '?' : `(${Array(n).fill('?').join(', ')})`);

/** A key range (lo, hi]: lo undefined means from the start, hi undefined means to the end. */
export interface KeyRange { lo?: unknown[]; hi?: unknown[] }

function rangeWhere(pk: readonly string[], r: KeyRange): { where: string; values: unknown[] } {
  const conds: string[] = [];
  const values: unknown[] = [];
  if (r.lo) { conds.push(`${tuple(pk)} > ${placeholders(pk.length)}`); values.push(...r.lo); }
  if (r.hi) { conds.push(`${tuple(pk)} <= ${placeholders(pk.length)}`); values.push(...r.hi); }
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

/** Row count and XOR of row fingerprints over a key range. */
export function chunkChecksum(db: string, table: string, pk: readonly string[], cols: readonly Column[], r: KeyRange): Statement {
  const { where, values } = rangeWhere(pk, r);
  return { sql: `SELECT COUNT(*) AS n, COALESCE(BIT_XOR(${rowHashExpr(cols)}), 0) AS h FROM ${qualified(db, table)} ${where}`, values };
}

/** Key and fingerprint of every row in a key range, in key order (to name the rows that differ). */
export function chunkRows(db: string, table: string, pk: readonly string[], cols: readonly Column[], r: KeyRange): Statement {
  const { where, values } = rangeWhere(pk, r);
  return {
    sql: `SELECT ${pk.map(quoteId).join(', ')}, ${rowHashExpr(cols)} AS __h FROM ${qualified(db, table)} ${where} ORDER BY ${pk.map(quoteId).join(', ')}`,
    values,
  };
}

/** For a table without a primary key: the multiset of row fingerprints (duplicates counted, not cancelled). */
export function rowHashMultiset(db: string, table: string, cols: readonly Column[]): Statement {
  return { sql: `SELECT h, COUNT(*) AS n FROM (SELECT ${rowHashExpr(cols)} AS h FROM ${qualified(db, table)}) x GROUP BY h` };
}
