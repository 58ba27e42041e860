import type { Statement } from './dialect.js';
import { qualified, quoteId, SYSTEM_SCHEMAS } from './inspect.js';

/** Statements that read a dataset's shape (information_schema, the same on MariaDB and MySQL) and fill it. */

const inList = (xs: readonly string[]) => xs.map(() => '?').join(',');

/** Every column of the given databases' base tables, in table and ordinal order. */
export const columnsOf = (dbs: readonly string[]): Statement => ({
  sql: `SELECT c.TABLE_SCHEMA AS db, c.TABLE_NAME AS tbl, c.COLUMN_NAME AS name, c.DATA_TYPE AS dataType,
      c.COLUMN_TYPE AS columnType, c.IS_NULLABLE AS nullable, c.CHARACTER_MAXIMUM_LENGTH AS maxLength,
      c.NUMERIC_PRECISION AS numPrecision, c.NUMERIC_SCALE AS numScale, c.DATETIME_PRECISION AS fsp,
      c.CHARACTER_SET_NAME AS charset, c.EXTRA AS extra, c.COLUMN_DEFAULT AS dflt
    FROM information_schema.COLUMNS c JOIN information_schema.TABLES t
      ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'
    WHERE c.TABLE_SCHEMA IN (${inList(dbs)}) ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION`,
  values: [...dbs],
});

/** Unique indexes (PRIMARY included) of the given databases, one row per column. */
export const uniqueKeysOf = (dbs: readonly string[]): Statement => ({
  sql: `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, INDEX_NAME AS idx, COLUMN_NAME AS col
    FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (${inList(dbs)}) AND NON_UNIQUE = 0
    ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  values: [...dbs],
});

/** Foreign keys of the given databases, one row per column pair. */
export const foreignKeysOf = (dbs: readonly string[]): Statement => ({
  sql: `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, CONSTRAINT_NAME AS fk, COLUMN_NAME AS col,
      REFERENCED_TABLE_SCHEMA AS refDb, REFERENCED_TABLE_NAME AS refTbl, REFERENCED_COLUMN_NAME AS refCol
    FROM information_schema.KEY_COLUMN_USAGE
    WHERE TABLE_SCHEMA IN (${inList(dbs)}) AND REFERENCED_TABLE_NAME IS NOT NULL
    ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
  values: [...dbs],
});

/** CHECK constraints of the given databases' tables (MariaDB stores a JSON column as LONGTEXT with CHECK json_valid(col)). */
export const checkConstraintsOf = (dbs: readonly string[]): Statement => ({
  sql: `SELECT tc.TABLE_SCHEMA AS db, tc.TABLE_NAME AS tbl, cc.CHECK_CLAUSE AS clause
    FROM information_schema.TABLE_CONSTRAINTS tc JOIN information_schema.CHECK_CONSTRAINTS cc
      ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
    WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND tc.TABLE_SCHEMA IN (${inList(dbs)})`,
  values: [...dbs],
});

/** Base tables of the given databases with their engine and size (rows are InnoDB's estimate: for choosing, never for judging). */
export const tableSizes = (dbs: readonly string[]): Statement => ({
  sql: `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, ENGINE AS engine, TABLE_ROWS AS estRows,
      DATA_LENGTH + INDEX_LENGTH AS bytes
    FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (${inList(dbs)}) AND TABLE_TYPE = 'BASE TABLE'
    ORDER BY TABLE_SCHEMA, TABLE_NAME`,
  values: [...dbs],
});

/**
 * The dataset's table an accidental DROP takes by default: the largest InnoDB base table no other table's foreign
 * key references (the server refuses to drop a referenced one).
 */
export const largestUnreferencedTable = (dbs: readonly string[]): Statement => ({
  sql: `SELECT t.TABLE_SCHEMA AS db, t.TABLE_NAME AS tbl, t.DATA_LENGTH + t.INDEX_LENGTH AS bytes
    FROM information_schema.TABLES t
    WHERE t.TABLE_SCHEMA IN (${inList(dbs)}) AND t.TABLE_TYPE = 'BASE TABLE' AND t.ENGINE = 'InnoDB'
      AND NOT EXISTS (SELECT 1 FROM information_schema.KEY_COLUMN_USAGE k
        WHERE k.REFERENCED_TABLE_SCHEMA = t.TABLE_SCHEMA AND k.REFERENCED_TABLE_NAME = t.TABLE_NAME
          AND NOT (k.TABLE_SCHEMA = t.TABLE_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME))
    ORDER BY bytes DESC, t.TABLE_SCHEMA, t.TABLE_NAME LIMIT 1`,
  values: [...dbs],
});

/** The non-system databases (a live source's choice when --databases is not given). */
export const userDatabases = (): Statement => ({
  sql: `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (${inList(SYSTEM_SCHEMAS)}) ORDER BY SCHEMA_NAME`,
  values: [...SYSTEM_SCHEMAS],
});

/** Session settings for loading generated rows: UTC (no DST gaps), keys checked by the generator itself. */
export const generatedLoadSession = (): Statement[] => [
  { sql: "SET SESSION time_zone = '+00:00'" },
  { sql: 'SET SESSION foreign_key_checks = 0' },
];

/** One multi-row INSERT of generated rows (values are bound, never spliced). */
export const insertRows = (db: string, table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>): Statement => ({
  sql: `INSERT INTO ${qualified(db, table)} (${columns.map(quoteId).join(', ')}) VALUES ${rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`,
  values: rows.flat(),
});

/**
 * Read-only queries over a dataset's tables (`db.table` names), as a statements file: a replay's default when the team
 * gives none and the dataset is not the sample the drill's own queries are written for. Counts only: their results
 * do not depend on row order.
 */
export const sampleQueries = (tables: readonly string[]): string =>
  tables
    .map((t) => {
      const [db, table] = t.split('.') as [string, string];
      return `SELECT COUNT(*) AS n FROM ${qualified(db, table)};`;
    })
    .join('\n') + '\n';

/** Statements a dump file begins with when it names no database: create it and make it current. */
export const useDatabase = (db: string): string => `CREATE DATABASE IF NOT EXISTS ${quoteId(db)};\nUSE ${quoteId(db)};\n`;
