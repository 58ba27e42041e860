import type { GtidAlgebra } from '../runtime/gtid-algebra.js';
import type { Statement } from '../sql/index.js';
import { check, type CheckResult, type Queryable } from './check.js';

/** Two GTID positions (or sets) are equal, domain by domain or source by source; each difference is named. */
export function gtidPositionsEqual(algebra: GtidAlgebra, expected: string, actual: string, name = 'gtid-position'): CheckResult {
  try {
    const diffs = algebra.differences(expected, actual).map((d) => ({
      database: '*', object: `gtid ${d.source}`, kind: 'gtid-differs', expected: d.expected ?? '(none)', actual: d.actual ?? '(none)',
    }));
    return check(name, diffs, { expected, actual });
  } catch (e) {
    return { name, valid: false, details: { error: e instanceof Error ? e.message : String(e), expected, actual } };
  }
}

/** What errant-transaction detection needs of a server: a name, its flavor's GTID algebra, a way to ask it. */
export interface GtidSource extends Queryable {
  adapter: { dialect: { gtidWritten(): Statement }; gtid: GtidAlgebra };
}

/** Transactions the replica wrote that the primary never did (errant), by GTID comparison. Reads only. */
export async function errantTransactions(replica: GtidSource, primary: GtidSource): Promise<{ errant: string; writers: string[]; replicaSet: string; primarySet: string }> {
  const [[r], [p]] = await Promise.all([
    replica.query<{ gtid: string }>(replica.adapter.dialect.gtidWritten()),
    primary.query<{ gtid: string }>(primary.adapter.dialect.gtidWritten()),
  ]);
  const replicaSet = String(r?.gtid ?? '');
  const primarySet = String(p?.gtid ?? '');
  const errant = replica.adapter.gtid.subtract(replicaSet, primarySet);
  return { errant, writers: errant ? replica.adapter.gtid.writers(errant) : [], replicaSet, primarySet };
}

/** The replica has no transaction its primary lacks. */
export async function noErrantTransactions(replica: GtidSource, primary: GtidSource): Promise<CheckResult> {
  const e = await errantTransactions(replica, primary);
  return check(`${replica.name}-no-errant-transactions`, e.errant
    ? [{ database: '*', object: replica.name, kind: 'errant-transactions', where: e.errant, expected: `subset of ${e.primarySet}`, actual: e.replicaSet }]
    : [], { replicaSet: e.replicaSet, primarySet: e.primarySet });
}
