import type { Statement } from './dialect.js';
import { qualified, quoteId } from './inspect.js';

/**
 * Changes one column of one row, found by its one-column primary key: the corruption a comparison must name
 * (used by the benchmark's "still names the differing rows" proviso and by checker tests).
 */
export const alterOneRow = (db: string, table: string, keyColumn: string, key: unknown, column: string, value: unknown): Statement => ({
  sql: `UPDATE ${qualified(db, table)} SET ${quoteId(column)} = ? WHERE ${quoteId(keyColumn)} = ?`,
  values: [value, key],
});
