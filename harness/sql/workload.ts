import type { Statement } from './dialect.js';
import { quoteId } from './inspect.js';

/** The ledger's database: each primary's workload writes its own (`drill`, or `drill_a`, `drill_b` on a multi-source topology). */
export const LEDGER_DB = 'drill';
/** The ledger's table: one row per write the workload sends; ids are chosen by the client. */
export const LEDGER_TABLE = 'writes';
const ledger = (db: string) => `${quoteId(db)}.${LEDGER_TABLE}`;
export const BULK_DB = 'bulk';

export const createLedgerSchema = (db = LEDGER_DB): Statement[] => [
  { sql: `CREATE DATABASE IF NOT EXISTS ${quoteId(db)}` },
  { sql: `CREATE TABLE IF NOT EXISTS ${ledger(db)} (
    id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    writer SMALLINT UNSIGNED NOT NULL,
    payload VARCHAR(64) NOT NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
  ) ENGINE=InnoDB` },
];

export const insertWrite = (id: number, writer: number, payload: string, db = LEDGER_DB): Statement => ({
  sql: `INSERT INTO ${ledger(db)} (id, writer, payload) VALUES (?, ?, ?)`,
  values: [id, writer, payload],
});

/** What an application writes by mistake on a replica whose read_only was switched off. */
export const errantWrite = (): Statement => ({ sql: "INSERT INTO sakila.actor (first_name, last_name) VALUES ('ERRANT', 'WRITE')" });

export const presentWriteIds = (db = LEDGER_DB): Statement => ({ sql: `SELECT id FROM ${ledger(db)} ORDER BY id` });

export const createBulkSchema = (): Statement[] => [
  { sql: `CREATE DATABASE IF NOT EXISTS ${BULK_DB}` },
  { sql: `CREATE TABLE IF NOT EXISTS ${BULK_DB}.filler (
    id INT UNSIGNED NOT NULL PRIMARY KEY,
    k INT UNSIGNED NOT NULL,
    c CHAR(64) NOT NULL,
    pad VARCHAR(255) NOT NULL,
    KEY k_idx (k)
  ) ENGINE=InnoDB` },
];

/** The bulk table's deterministic columns computed from the row number `n` (an expression). */
export const bulkRowSelect = (n: string) => `SELECT ${n}, CRC32(${n}) % 1000000, SHA2(${n}, 256), CONCAT(SHA2(${n} * 7, 512), SHA2(${n} * 13, 256))`;
export const BULK_INSERT = `INSERT INTO ${BULK_DB}.filler (id, k, c, pad)`;
export const BULK_ROW_BYTES = 400;
