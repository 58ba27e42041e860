import type { GtidAlgebra } from '../core/index.js';
import { gtidWritten } from '../runtime/replication.js';
import type { Statement } from '../sql/index.js';
import { check, type CheckResult, type Queryable } from './check.js';
import { ownTransactionsExplained } from './errant-explained.js';

/** Two GTID positions (or sets) are equal, domain by domain or source by source; each difference is named. */
export function gtidPositionsEqual(algebra: GtidAlgebra, expected: string, actual: string, name = 'gtid-position'): CheckResult {
  try {
    const diffs = algebra.differences(expected, actual).map((d) => ({
      database: '*',
      object: `gtid ${d.source}`,
      kind: 'gtid-differs',
      expected: d.expected ?? '(none)',
      actual: d.actual ?? '(none)',
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
export async function errantTransactions(
  replica: GtidSource,
  primary: GtidSource,
): Promise<{ errant: string; writers: string[]; replicaSet: string; primarySet: string }> {
  const [replicaSet, primarySet] = await Promise.all([gtidWritten(replica), gtidWritten(primary)]);
  const errant = replica.adapter.gtid.subtract(replicaSet, primarySet);
  return { errant, writers: errant ? replica.adapter.gtid.writers(errant) : [], replicaSet, primarySet };
}

/**
 * The replica has no transaction its primary lacks, apart from those a rule explains (a MEMORY table's generated
 * emptying after a restart, errant-explained.ts): those pass as findings with their advice, never hidden.
 */
export async function noErrantTransactions(replica: GtidSource, primary: GtidSource): Promise<CheckResult> {
  const e = await errantTransactions(replica, primary);
  const sets = { replicaSet: e.replicaSet, primarySet: e.primarySet };
  if (!e.errant) return check(`${replica.name}-no-errant-transactions`, [], sets);
  const { found, explained, unexplained } = await ownTransactionsExplained(replica, replica.adapter.gtid, e.primarySet);
  // nothing read back from the binary log (purged): the set itself is the difference
  const differences =
    unexplained.length || !found.length
      ? [
          {
            database: '*',
            object: replica.name,
            kind: 'errant-transactions',
            where: found.length ? unexplained.join(',') : e.errant,
            expected: `subset of ${e.primarySet}`,
            actual: e.replicaSet,
          },
        ]
      : [];
  return check(`${replica.name}-no-errant-transactions`, differences, explained.length ? { ...sets, explained } : sets);
}

/**
 * A restored server's GTID state equals a recorded point (the artifact's, the snapshot's), apart from transactions of
 * its own that a rule explains: the first use of a MEMORY table after the restored server started writes a generated
 * emptying of it under the server's own GTID (F39; MySQL counts it in gtid_executed). Those are set aside as findings
 * with their advice, never hidden; any other transaction of its own, and any transaction of the point it lacks, stays
 * a difference.
 */
export async function restoredAtPoint(node: GtidSource, expected: string, actual: string, name: string): Promise<CheckResult> {
  const algebra = node.adapter.gtid;
  const plain = gtidPositionsEqual(algebra, expected, actual, name);
  let own: string;
  try {
    own = plain.valid ? '' : algebra.subtract(actual, expected);
  } catch {
    return plain;
  }
  if (!own) return plain;
  const { found, explained, unexplained } = await ownTransactionsExplained(node, algebra, expected);
  if (!explained.length) return plain;
  const setAside = found.filter((t) => !unexplained.includes(t.gtid)).reduce((set, t) => algebra.advance(set, t.gtid), '');
  const c = gtidPositionsEqual(algebra, expected, algebra.subtract(actual, setAside), name);
  return { ...c, details: { ...c.details, actual, explained } };
}

/**
 * A point-in-time recovery stopped where it should: the node's GTIDs include the last transaction meant to be applied
 * and not the one it had to stop before (the accident).
 */
export function stopsJustBefore(
  algebra: GtidAlgebra,
  name: string,
  position: string,
  stopBefore: string,
  lastApplied?: string,
): CheckResult {
  const diffs = [];
  if (algebra.contains(position, stopBefore))
    diffs.push({ database: '*', object: name, kind: 'went-past-the-target', where: stopBefore, actual: position });
  if (lastApplied && !algebra.contains(position, lastApplied))
    diffs.push({ database: '*', object: name, kind: 'stopped-short-of-the-target', where: lastApplied, actual: position });
  return check(`${name}-gtid-stops-just-before-the-drop`, diffs, { position, stopBefore, lastApplied });
}

/** A node that ran under a temporary identity (server id / server uuid) wrote no transaction under it. */
export function wroteNothingAs(algebra: GtidAlgebra, name: string, written: string, identity: string): CheckResult {
  const mine = written ? algebra.writers(written).filter((w) => w === identity) : [];
  return check(
    `${name}-wrote-nothing-under-temporary-server-id`,
    mine.length ? [{ database: '*', object: name, kind: 'events-under-temporary-identity', where: identity, actual: written }] : [],
    { temporaryIdentity: identity, written },
  );
}

/** The node holds every transaction each peer has. */
export function coversEvery(
  algebra: GtidAlgebra,
  name: string,
  position: string,
  peers: ReadonlyArray<{ name: string; gtid: string }>,
): CheckResult {
  const diffs = peers
    .filter((p) => !algebra.contains(position, p.gtid))
    .map((p) => ({ database: '*', object: name, kind: 'peer-transactions-missing', where: p.name, expected: p.gtid, actual: position }));
  return check(`${name}-holds-every-peer-transaction`, diffs, { position, peers });
}
