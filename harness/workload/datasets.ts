import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/index.js';
import { sakilaDir } from '../runtime/paths.js';
import type { StartedNode } from '../runtime/node.js';
import { workloadSql } from '../sql/index.js';

/** Loads the Sakila sample database (schema, then data) through the node's own client. */
export async function loadSakila(node: StartedNode): Promise<void> {
  const schema = join(sakilaDir, 'sakila-schema.sql');
  const data = join(sakilaDir, 'sakila-data.sql');
  for (const f of [schema, data]) {
    if (!existsSync(f)) throw new UsageError(`Sakila dataset not found at ${f} (set FIREDRILL_SAKILA_DIR)`);
  }
  await node.loadSqlFile(schema);
  await node.loadSqlFile(data);
}

/** Creates and fills the generated bulk table to about `mb` megabytes, in batches, reporting progress. */
export async function loadBulk(
  node: StartedNode,
  mb: number,
  progress: (m: string) => void = () => {},
  db = workloadSql.BULK_DB,
): Promise<number> {
  for (const s of [...workloadSql.createBulkSchema(db), ...node.adapter.dialect.bulkSession()]) await node.query(s);
  const rows = Math.max(1, Math.round((mb * 1024 * 1024) / workloadSql.BULK_ROW_BYTES));
  const batch = 20_000;
  for (let lo = 1; lo <= rows; lo += batch) {
    const hi = Math.min(rows, lo + batch - 1);
    await node.query(node.adapter.dialect.insertBulkRange(lo, hi, db));
    if (hi === rows || (hi / batch) % 10 === 0) progress(`bulk table: ${hi}/${rows} rows`);
  }
  const t0 = Date.now();
  await node.query(workloadSql.addBulkIndex(db));
  progress(`bulk table: index k_idx built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return rows;
}
