/**
 * What a failover must leave, judged from what was read: one writable primary, every replica replicating from it,
 * the promoted node holding what every replica held, the old primary's divergent history named, and under semi-sync
 * no acknowledged write lost while the primary said semi-sync was on. Pure: the steps read, these judge.
 */
import type { GtidAlgebra } from '../core/index.js';
import type { Ledger, LedgerEntry } from '../workload/index.js';
import { judgeLedger } from './ledger.js';
import { check, type CheckResult, type Difference } from './check.js';

const diff = (object: string, kind: string, more: Partial<Difference> = {}): Difference => ({ database: '*', object, kind, ...more });

/** Exactly one node answers writable, and it is the one the failover made primary. `readOnly` null: unreachable. */
export function oneWritablePrimary(primary: string, nodes: ReadonlyArray<{ node: string; readOnly: boolean | null }>): CheckResult {
  const writable = nodes.filter((n) => n.readOnly === false).map((n) => n.node);
  const diffs = [
    ...(!writable.includes(primary) ? [diff(primary, 'primary-not-writable', { actual: nodes.find((n) => n.node === primary) })] : []),
    ...writable.filter((n) => n !== primary).map((n) => diff(n, 'second-writable-node', { expected: 'read_only ON' })),
  ];
  return check('one-writable-primary', diffs, { primary, nodes });
}

/** What one replica's status said after the failover. */
export interface FollowerState {
  node: string;
  sourceHost: string;
  ioRunning: string;
  sqlRunning: string;
  error: string;
  caughtUp: boolean;
}

/** Every replica replicates from the new primary, both threads running, caught up. */
export function replicasFollow(primary: string, replicas: readonly FollowerState[]): CheckResult {
  const diffs = replicas.flatMap((r) => [
    ...(r.sourceHost !== primary
      ? [diff(r.node, 'replicates-from-another-source', { expected: primary, actual: r.sourceHost || '(none)' })]
      : []),
    ...(r.ioRunning !== 'Yes' || r.sqlRunning !== 'Yes'
      ? [diff(r.node, 'replication-not-running', { actual: `io ${r.ioRunning}, sql ${r.sqlRunning}`, where: r.error })]
      : []),
    ...(!r.caughtUp ? [diff(r.node, 'did-not-catch-up', { where: r.error })] : []),
  ]);
  return check(`replicas-replicate-from-${primary}`, diffs, { replicas });
}

/**
 * The promoted node held every transaction the surviving replicas held when the primary failed: otherwise a more
 * advanced replica existed, and its transactions are lost or become errant (the wrong replica was promoted).
 * `promotedWritten` is the promoted node's binary log GTIDs (MariaDB gtid_binlog_state, per writer: a position would
 * let the new primary's own later sequence numbers hide what it lacks; MySQL gtid_executed).
 */
export function promotedHeldEverything(
  algebra: GtidAlgebra,
  promoted: string,
  promotedWritten: string,
  replicasAtFailure: ReadonlyArray<{ node: string; executed: string }>,
): CheckResult {
  const diffs = replicasAtFailure
    .filter((r) => r.node !== promoted)
    .map((r) => ({ r, lacking: algebra.subtract(r.executed, promotedWritten) }))
    .filter((x) => x.lacking)
    .map((x) => ({
      ...diff(promoted, 'a-more-advanced-replica-existed', { where: x.r.node, expected: x.r.executed, actual: promotedWritten }),
      lacking: x.lacking,
    }));
  return check('promoted-replica-held-every-transaction', diffs, { promoted, promotedWritten, replicasAtFailure });
}

/**
 * The returning old primary's divergent history: GTID set algebra (its binary log minus the new primary's) must name
 * a transaction whenever its data holds acknowledged writes the new primary lacks, and only transactions it wrote.
 */
export function errantNamed(
  node: string,
  found: { errant: string; writers: string[] },
  ownIdentity: string,
  divergentLedgerIds: readonly number[],
): CheckResult {
  const diffs = [
    ...(divergentLedgerIds.length && !found.errant
      ? [diff(node, 'divergent-writes-not-found-by-gtid', { actual: divergentLedgerIds.slice(0, 50) })]
      : []),
    ...found.writers.filter((w) => w !== ownIdentity).map((w) => diff(node, 'errant-gtid-of-another-writer', { where: w })),
  ];
  return check(`${node}-errant-transactions-named`, diffs, {
    errantGtids: found.errant,
    writers: found.writers,
    divergentLedgerIds: divergentLedgerIds.slice(0, 50),
    divergentLedgerWrites: divergentLedgerIds.length,
  });
}

/** A fenced old primary: read-only for every account, replicating from nowhere. */
export function fenced(node: string, s: { readOnly: boolean; replicationChannels: number }): CheckResult {
  return check(
    `${node}-fenced`,
    [
      ...(!s.readOnly ? [diff(node, 'still-writable')] : []),
      ...(s.replicationChannels ? [diff(node, 'replicating', { actual: s.replicationChannels })] : []),
    ],
    s,
  );
}

/** A rejoin as a replica is allowed only on a history the new primary contains (no errant transaction). */
export function rejoinAllowed(node: string, errant: string): CheckResult {
  return check(
    `${node}-rejoins-without-divergent-history`,
    errant ? [diff(node, 'would-replicate-on-top-of-divergent-history', { where: errant })] : [],
    { errantGtids: errant },
  );
}

/** What the primary said of semi-sync over time (polled): `on` from `at` until the next sample. */
export interface SemiSyncSample {
  at: number;
  on: boolean;
  /** The primary that said it. */
  node: string;
}

/**
 * Under semi-sync, no acknowledged write may be lost while the primary reported semi-sync ON: a write acknowledged
 * between two samples that both said ON was promised to a replica. Writes acknowledged after a fallback to async
 * (or across a sample that said OFF) are lost by that fallback, named apart, not failures.
 */
export function semiSyncKeptItsPromise(lost: readonly LedgerEntry[], samples: readonly SemiSyncSample[]): CheckResult {
  const promised = new Set(promisedBySemiSync(lost, samples));
  const broken = lost.filter((e) => promised.has(e.id));
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const fallbacks = sorted.filter((s, i) => i > 0 && sorted[i - 1]!.on && !s.on).map((s) => new Date(s.at).toISOString());
  return check(
    'semi-sync-lost-no-write-it-acknowledged',
    broken.map((e) =>
      diff('ledger', 'acknowledged-write-lost-while-semi-sync-on', { where: `id ${e.id}`, actual: new Date(e.doneAt).toISOString() }),
    ),
    {
      lostWhileOn: broken.map((e) => e.id),
      lostAfterFallback: lost.filter((e) => !promised.has(e.id)).map((e) => e.id),
      fallbacksToAsync: fallbacks,
      samples: sorted.length,
      firstSample: sorted[0] && new Date(sorted[0].at).toISOString(),
      lastSample: sorted.length ? new Date(sorted[sorted.length - 1]!.at).toISOString() : undefined,
    },
  );
}

/**
 * The acknowledged writes semi-sync promised to a replica: acknowledged between two samples that both said ON (or
 * after the last sample, when it said ON: the primary died saying so).
 */
export function promisedBySemiSync(entries: readonly LedgerEntry[], samples: readonly SemiSyncSample[]): number[] {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const on = (t: number) => {
    let before: SemiSyncSample | undefined;
    let after: SemiSyncSample | undefined;
    for (const s of sorted) {
      if (s.at <= t) before = s;
      else if (!after) after = s;
    }
    return !!before?.on && (after ? after.on : true);
  };
  return entries.filter((e) => e.outcome === 'acked' && on(e.doneAt)).map((e) => e.id);
}

/**
 * The ledger on a node after a failover: every acknowledged write present, except those the failover lost by design
 * (acknowledged by the old primary alone and not promised by semi-sync: `lostByDesign`), and nothing the clients did
 * not write. A write lost beyond those fails, named.
 */
export function ledgerAfterFailover(
  name: string,
  ledger: Ledger,
  presentIds: Iterable<number>,
  lostByDesign: readonly number[],
): CheckResult {
  const v = judgeLedger(ledger, presentIds);
  const allowed = new Set(lostByDesign);
  const beyond = v.lost.filter((id) => !allowed.has(id));
  return check(
    name,
    [
      ...beyond.map((id) => diff('ledger', 'acknowledged-write-lost', { where: `id ${id}` })),
      ...v.unexpected.map((id) => diff('ledger', 'row-the-clients-did-not-write', { where: `id ${id}` })),
    ],
    {
      acknowledged: ledger.summary().acked,
      lostByTheFailover: v.lost.length - beyond.length,
      lostBeyondTheFailover: beyond.length,
      lostSeconds: v.lostSeconds,
      indeterminatePresent: v.indeterminatePresent,
      indeterminateAbsent: v.indeterminateAbsent,
    },
  );
}

/**
 * The writes a SIGKILLed primary itself lost because its redo log was not written at commit
 * (`innodb_flush_log_at_trx_commit=0`: InnoDB writes and syncs its log about once a second): acknowledged, on neither
 * the returning old primary nor the new one, and acknowledged within `windowMs` before the kill. Such a loss is a
 * finding of the setting; a write lost from earlier is not explained by it (and stays a failure of the ledger).
 */
export function lostToUnwrittenRedo(
  entries: readonly LedgerEntry[],
  on: { oldPrimary: ReadonlySet<number>; newPrimary: ReadonlySet<number> },
  killedAt: number,
  windowMs: number,
): number[] {
  return entries
    .filter((e) => e.outcome === 'acked' && !on.oldPrimary.has(e.id) && !on.newPrimary.has(e.id))
    .filter((e) => e.doneAt <= killedAt && e.doneAt >= killedAt - windowMs)
    .map((e) => e.id)
    .sort((a, b) => a - b);
}
