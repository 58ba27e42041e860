import { workloadSql } from '../sql/index.js';
import type { Queryable } from './check.js';

/** The ledger ids a server holds. */
export async function presentLedgerIds(q: Queryable, db?: string): Promise<number[]> {
  const rows = await q.query<{ id: string | number }>(workloadSql.presentWriteIds(db));
  return rows.map((r) => Number(r.id));
}
