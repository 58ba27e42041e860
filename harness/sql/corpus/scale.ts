import { seeded } from '../../core/index.js';
import { qualified, quoteId } from '../inspect.js';
import { literal } from './render-tables.js';

/**
 * The corpus at size (issue 19, "size"): a database of many small tables (10,000 by default) and one of a few very
 * wide tables (hundreds of columns, rows near InnoDB's 65,535-byte row limit, BLOBs larger than the default
 * max_allowed_packet). Rendered as one dump file in mysqldump's layout, rows drawn from a seed: the same seed gives the
 * same file. Table names are numbered (`t00001`…) so that a difference names a table one can find.
 */
export interface ScaleSpec {
  seed: number;
  /** The database of many tables and how many it holds. */
  manyDb: string;
  tables: number;
  /** Rows per small table. */
  rowsPerTable: number;
  /** The database of wide tables, their count, columns each (VARCHAR(256) latin1: 258 bytes of row size a column, and
   * longer than 255 bytes, so that InnoDB DYNAMIC may store a value off the page). */
  wideDb: string;
  wideTables: number;
  wideColumns: number;
  wideRows: number;
  /** Bytes of the LONGBLOB in the first row of each wide table (0: no such column); above 16 MiB it is past MariaDB's
   * default max_allowed_packet. */
  blobBytes: number;
}

export const SCALE_DEFAULTS: ScaleSpec = {
  seed: 1,
  manyDb: 'many_tables',
  tables: 10_000,
  rowsPerTable: 3,
  wideDb: 'wide_tables',
  wideTables: 3,
  wideColumns: 250,
  wideRows: 4,
  blobBytes: 0,
};

/** The n-th small table's name (1-based), zero-padded so that names sort as numbers. */
export const manyTableName = (n: number) => `t${String(n).padStart(5, '0')}`;
const wideName = (n: number) => `wide_${n}`;
const wideColumn = (n: number) => `c${String(n).padStart(4, '0')}`;

/** InnoDB's row size limit (the declared maximum of a row, BLOB/TEXT counting 9-12 bytes each). */
export const INNODB_MAX_ROW_SIZE = 65_535;

const WIDE_LENGTH = 256;

/** The declared row size of a wide table: 4 (id) + 258 per VARCHAR(256) latin1 column + 12 for the LONGBLOB. */
export const wideRowSize = (s: Pick<ScaleSpec, 'wideColumns' | 'blobBytes'>) =>
  4 + s.wideColumns * (WIDE_LENGTH + 2) + (s.blobBytes > 0 ? 12 : 0);

/** The bytes a dump statement needs to carry the largest row (what max_allowed_packet must hold on load). */
export const largestStatementBytes = (s: ScaleSpec) => s.wideColumns * (WIDE_LENGTH + 3) + 2 * s.blobBytes + 200;

const header = (s: ScaleSpec) =>
  [
    `-- firedrill corpus at size: seed ${s.seed}; ${s.tables} tables in ${s.manyDb}, ${s.wideTables} tables of ${s.wideColumns} columns in ${s.wideDb}, BLOBs of ${s.blobBytes} bytes\n`,
    '/*!40101 SET NAMES utf8mb4 */;\n',
    "/*!40103 SET TIME_ZONE='+00:00' */;\n",
    '/*!40014 SET UNIQUE_CHECKS=0, FOREIGN_KEY_CHECKS=0 */;\n',
    "/*!40101 SET SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n",
  ].join('');

/** The statements of the many-tables database, one table at a time (a generator: 10,000 tables are never one string). */
function* manyTables(s: ScaleSpec, rnd: () => number): Generator<string> {
  yield `CREATE DATABASE /*!32312 IF NOT EXISTS*/ ${quoteId(s.manyDb)} /*!40100 DEFAULT CHARACTER SET utf8mb4 */;\nUSE ${quoteId(s.manyDb)};\n`;
  for (let n = 1; n <= s.tables; n++) {
    const rows = Array.from(
      { length: s.rowsPerTable },
      (_, i) => `(${i + 1},${literal(`v${Math.floor(rnd() * 1e9)}`)},${Math.floor(rnd() * 1e6)})`,
    );
    yield `CREATE TABLE ${quoteId(manyTableName(n))} (\n  \`id\` INT NOT NULL,\n  \`v\` VARCHAR(40) NOT NULL,\n  \`n\` INT NOT NULL,\n  PRIMARY KEY (\`id\`)\n) ENGINE=InnoDB;\n${rows.length ? `INSERT INTO ${quoteId(manyTableName(n))} VALUES ${rows.join(',')};\n` : ''}`;
  }
}

const letters = (rnd: () => number, n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(rnd() * 26))).join('');

/** The wide tables: every VARCHAR filled to its length (rows near the row size limit); the first row of each holds a LONGBLOB of blobBytes. */
function* wideTables(s: ScaleSpec, rnd: () => number): Generator<string> {
  if (s.wideTables <= 0) return;
  yield `CREATE DATABASE /*!32312 IF NOT EXISTS*/ ${quoteId(s.wideDb)} /*!40100 DEFAULT CHARACTER SET utf8mb4 */;\nUSE ${quoteId(s.wideDb)};\n`;
  const cols = Array.from({ length: s.wideColumns }, (_, i) => wideColumn(i + 1));
  for (let n = 1; n <= s.wideTables; n++) {
    const defs = cols.map((c) => `  ${quoteId(c)} VARCHAR(${WIDE_LENGTH}) CHARACTER SET latin1 NOT NULL`);
    if (s.blobBytes > 0) defs.push('  `payload` LONGBLOB');
    yield `CREATE TABLE ${quoteId(wideName(n))} (\n  \`id\` INT NOT NULL,\n${defs.join(',\n')},\n  PRIMARY KEY (\`id\`)\n) ENGINE=InnoDB ROW_FORMAT=DYNAMIC;\n`;
    for (let r = 1; r <= s.wideRows; r++) {
      const values = [String(r), ...cols.map(() => `'${letters(rnd, WIDE_LENGTH)}'`)];
      if (s.blobBytes > 0) values.push(r === 1 ? literal(blobOf(s.blobBytes, rnd)) : 'NULL');
      yield `INSERT INTO ${quoteId(wideName(n))} VALUES (${values.join(',')});\n`;
    }
  }
}

/** A BLOB of `n` bytes: a seeded 64-byte pattern repeated, with the row's own first bytes (every row differs). */
function blobOf(n: number, rnd: () => number): Buffer {
  const pattern = Buffer.from(Array.from({ length: 64 }, () => Math.floor(rnd() * 256)));
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i += 64) pattern.copy(b, i, 0, Math.min(64, n - i));
  return b;
}

/** The dump of a schema at size, chunk by chunk (write each to a stream: the whole file is hundreds of MB with BLOBs). */
export function* renderScaleDump(s: ScaleSpec): Generator<string> {
  const rnd = seeded(s.seed);
  yield header(s);
  yield* manyTables(s, rnd);
  yield* wideTables(s, rnd);
  yield '-- Dump completed\n';
}

/** One changed row in the n-th small table (default: the last but one, table 9,999 of 10,000): what a verdict must name. */
export function scaleRowMutation(s: ScaleSpec, n = s.tables - 1): { sql: string; table: string } {
  const table = manyTableName(n);
  return { sql: `UPDATE ${qualified(s.manyDb, table)} SET \`n\` = \`n\` + 1 WHERE \`id\` = 1`, table };
}
