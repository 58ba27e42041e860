import type { Statement } from './dialect.js';
import { qualified, rowHashExpr, type Column } from './inspect.js';

/**
 * Read-only statements of `firedrill snapshot` and of restore-test's comparison with a recorded state (the same on
 * MariaDB and MySQL). Row fingerprints reuse verify's row hash (inspect.rowHashExpr).
 */

/**
 * A table without a primary key as a multiset: row count, the sum and the XOR of the row fingerprints (the sum
 * counts duplicates, which the XOR alone would cancel).
 */
export function rowMultisetDigest(db: string, table: string, cols: readonly Column[]): Statement {
  return {
    sql: `SELECT COUNT(*) AS n, CAST(COALESCE(SUM(h), 0) AS CHAR) AS s, COALESCE(BIT_XOR(h), 0) AS x FROM (SELECT ${rowHashExpr(cols)} AS h FROM ${qualified(db, table)}) fd`,
  };
}

export const countRows = (db: string, table: string): Statement => ({ sql: `SELECT COUNT(*) AS n FROM ${qualified(db, table)}` });

export const showGrantsForRole = (role: string): Statement => ({ sql: 'SHOW GRANTS FOR ?', values: [role] });

/** The server's own identity and clock, recorded with a state. */
export const serverFacts = (): Statement => ({
  sql: 'SELECT VERSION() AS version, @@server_id AS serverId, @@hostname AS hostname, UTC_TIMESTAMP(6) AS utcNow',
});

/**
 * Removes authentication secrets from a SHOW GRANTS / SHOW CREATE USER line (password hashes, plugin auth
 * strings): what remains can be stored and shown.
 */
export function stripSecrets(line: string): string {
  return line
    .replace(/IDENTIFIED BY PASSWORD '(?:[^'\\]|\\.|'')*'/gi, "IDENTIFIED BY PASSWORD '<secret>'")
    .replace(/\b(USING|AS) '(?:[^'\\]|\\.|'')*'/gi, "$1 '<secret>'")
    .replace(/\b(USING|AS) 0x[0-9a-f]+/gi, "$1 '<secret>'");
}

/**
 * The server options that change how data and definitions read (recorded with a state; a restore server that runs
 * others is named as the environment's effect): name folding, sql_mode, TIMESTAMP defaults, default character set
 * and collation, and whether named time zones answer (rows in mysql.time_zone_name).
 */
export const serverOptions = (): Statement => ({
  sql:
    'SELECT @@GLOBAL.lower_case_table_names AS lower_case_table_names, @@GLOBAL.sql_mode AS sql_mode, ' +
    '@@GLOBAL.explicit_defaults_for_timestamp AS explicit_defaults_for_timestamp, ' +
    '@@GLOBAL.character_set_server AS character_set_server, @@GLOBAL.collation_server AS collation_server, ' +
    "IF(EXISTS (SELECT 1 FROM mysql.time_zone_name), 'loaded', 'empty') AS time_zone_tables",
});
