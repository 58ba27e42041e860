import type { Statement } from './dialect.js';
import { quoteId } from './inspect.js';

/** The ledger's table: one row per write the workload sends; ids are chosen by the client. Each primary's
 * workload writes its own database: firedrill's own schema (`firedrill` by default, config `ownSchema`), or
 * `<schema>_a`, `<schema>_b` on a multi-source topology. */
export const LEDGER_DB = 'firedrill';
const LEDGER_TABLE = 'writes';
const ledger = (db: string) => `${quoteId(db)}.${LEDGER_TABLE}`;
/** The generated bulk table's database (`<ownSchema>_bulk`). */
export const BULK_DB = 'firedrill_bulk';

export const createLedgerSchema = (db = LEDGER_DB): Statement[] => [
  { sql: `CREATE DATABASE IF NOT EXISTS ${quoteId(db)}` },
  {
    sql: `CREATE TABLE IF NOT EXISTS ${ledger(db)} (
    id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    writer SMALLINT UNSIGNED NOT NULL,
    payload VARCHAR(64) NOT NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
  ) ENGINE=InnoDB`,
  },
];

export const insertWrite = (id: number, writer: number, payload: string, db = LEDGER_DB): Statement => ({
  sql: `INSERT INTO ${ledger(db)} (id, writer, payload) VALUES (?, ?, ?)`,
  values: [id, writer, payload],
});

/** What an application writes by mistake on a replica whose read_only was switched off: a row in firedrill's own target table. */
export const errantWrite = (targetsDb: string): Statement => ({
  sql: `INSERT INTO ${quoteId(targetsDb)}.${TARGET_TABLE} (label, qty) VALUES ('ERRANT', 1)`,
});

/** An errant write into a table of the user's dataset: the row with the highest key deleted (a one-column key). */
export const errantDelete = (db: string, table: string, key: string): Statement => ({
  sql: `DELETE FROM ${quoteId(db)}.${quoteId(table)} ORDER BY ${quoteId(key)} DESC LIMIT 1`,
});

/** The table of objects firedrill creates as drill targets on any dataset (the crash loop's poison row, errant writes). */
export const TARGET_TABLE = 'items';
const TARGET_ROWS = 100;
export const createTargets = (db: string): Statement[] => [
  { sql: `CREATE DATABASE IF NOT EXISTS ${quoteId(db)}` },
  {
    sql: `CREATE TABLE IF NOT EXISTS ${quoteId(db)}.${TARGET_TABLE} (
    id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    label VARCHAR(40) NOT NULL,
    qty INT NOT NULL
  ) ENGINE=InnoDB`,
  },
  {
    sql: `INSERT INTO ${quoteId(db)}.${TARGET_TABLE} (id, label, qty) VALUES ${Array.from({ length: TARGET_ROWS }, (_, i) => `(${i + 1}, 'item ${i + 1}', ${(i * 7) % 13})`).join(', ')}`,
  },
];

/** One acknowledged write taken back (a test-only planted loss: a drill must then fail naming it). */
export const deleteWrite = (id: number, db = LEDGER_DB): Statement => ({ sql: `DELETE FROM ${ledger(db)} WHERE id = ?`, values: [id] });

export const presentWriteIds = (db = LEDGER_DB): Statement => ({ sql: `SELECT id FROM ${ledger(db)} ORDER BY id` });

/**
 * The drill's own workload as queries to replay on two versions (pre-upgrade `--param queries=workload`): its write
 * (replayed in a transaction that is rolled back) and the reads firedrill makes of its ledger and target table.
 */
export const replayableWorkload = (db: string, targetsDb: string): string =>
  [
    `INSERT INTO ${ledger(db)} (id, writer, payload) VALUES (18446744073709551615, 0, 'replayed by pre-upgrade, rolled back');`,
    `SELECT id FROM ${ledger(db)} ORDER BY id;`,
    `SELECT writer, COUNT(*) AS n, MIN(id) AS first_id, MAX(id) AS last_id FROM ${ledger(db)} GROUP BY writer ORDER BY writer;`,
    `SELECT id, label, qty FROM ${quoteId(targetsDb)}.${TARGET_TABLE} ORDER BY id;`,
    `SELECT label, SUM(qty) AS total FROM ${quoteId(targetsDb)}.${TARGET_TABLE} GROUP BY label HAVING total > 5 ORDER BY label;`,
  ].join('\n') + '\n';

export const createBulkSchema = (db = BULK_DB): Statement[] => [
  { sql: `CREATE DATABASE IF NOT EXISTS ${quoteId(db)}` },
  {
    sql: `CREATE TABLE IF NOT EXISTS ${quoteId(db)}.filler (
    id INT UNSIGNED NOT NULL PRIMARY KEY,
    k INT UNSIGNED NOT NULL,
    c CHAR(64) NOT NULL,
    pad VARCHAR(255) NOT NULL
  ) ENGINE=InnoDB`,
  },
];

/**
 * The bulk table's secondary index, built once its rows are in (a sorted build, linear in the data, on the primary
 * and on every replica alike): filled row by row, a random-key index outgrows the buffer pool and makes the load
 * superlinear, which the benchmark's linear-cost check caught (issue 14).
 */
export const addBulkIndex = (db = BULK_DB): Statement => ({ sql: `ALTER TABLE ${quoteId(db)}.filler ADD KEY k_idx (k)` });

/** The bulk table's deterministic columns computed from the row number `n` (an expression). */
export const bulkRowSelect = (n: string) =>
  `SELECT ${n}, CRC32(${n}) % 1000000, SHA2(${n}, 256), CONCAT(SHA2(${n} * 7, 512), SHA2(${n} * 13, 256))`;
export const bulkInsert = (db: string) => `INSERT INTO ${quoteId(db)}.filler (id, k, c, pad)`;
export const BULK_ROW_BYTES = 400;
