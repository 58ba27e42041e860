import { qualified, quoteId } from './inspect.js';
import type { Statement } from './dialect.js';

/** A row by table and single-column key: the poison row of the crash-loop drill. */
export interface RowRef {
  db: string;
  table: string;
  key: string;
  id: number;
}

const UDF_NAME = 'firedrill_abort';
export const UDF_LIBRARY = 'firedrill_abort.so';
const TRIGGER = 'fd_crash_on_poison';

export const pluginDir = (): Statement => ({ sql: 'SELECT @@GLOBAL.plugin_dir AS d' });

/** Installed on one replica only (binary logging off): the UDF and a BEFORE DELETE trigger that calls it for the poison row. */
export const installCrashCause = (r: RowRef): Statement[] => [
  { sql: 'SET SESSION sql_log_bin = 0' },
  { sql: `DROP FUNCTION IF EXISTS ${UDF_NAME}` },
  { sql: `CREATE FUNCTION ${UDF_NAME} RETURNS INTEGER SONAME '${UDF_LIBRARY}'` },
  { sql: `DROP TRIGGER IF EXISTS ${qualified(r.db, TRIGGER)}` },
  {
    sql:
      `CREATE TRIGGER ${qualified(r.db, TRIGGER)} BEFORE DELETE ON ${qualified(r.db, r.table)} FOR EACH ROW ` +
      `BEGIN IF OLD.${quoteId(r.key)} = ? THEN SET @fd_crash = ${UDF_NAME}(); END IF; END`,
    values: [r.id],
  },
  { sql: 'SET SESSION sql_log_bin = 1' },
];

export const removeCrashCause = (r: RowRef): Statement[] => [
  { sql: 'SET SESSION sql_log_bin = 0' },
  { sql: `DROP TRIGGER IF EXISTS ${qualified(r.db, TRIGGER)}` },
  { sql: `DROP FUNCTION IF EXISTS ${UDF_NAME}` },
  { sql: 'SET SESSION sql_log_bin = 1' },
];

/** Applies a skipped DELETE by hand on one server, outside the binary log (the repair after a skip). */
export const deleteLocally = (r: RowRef): Statement[] => [
  { sql: 'SET SESSION sql_log_bin = 0' },
  { sql: `DELETE FROM ${qualified(r.db, r.table)} WHERE ${quoteId(r.key)} = ?`, values: [r.id] },
  { sql: 'SET SESSION sql_log_bin = 1' },
];

export const deleteRow = (r: RowRef): Statement => ({
  sql: `DELETE FROM ${qualified(r.db, r.table)} WHERE ${quoteId(r.key)} = ?`,
  values: [r.id],
});
