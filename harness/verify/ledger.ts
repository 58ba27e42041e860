import type { Ledger } from '../workload/index.js';
import type { CheckResult } from './check.js';

export interface LedgerVerdict {
  /** Acknowledged writes missing on the node: data loss. */
  lost: number[];
  /** Rows on the node the client never sent, or whose write it saw fail: must not exist. */
  unexpected: number[];
  /** Writes whose outcome the client could not know: counted apart, neither lost nor present by guess. */
  indeterminatePresent: number;
  indeterminateAbsent: number;
  /** Seconds of acknowledged writes lost: from the newest surviving acknowledgement before the first lost write
   * (or the first lost one, if none survived before it) to the last lost acknowledgement. 0 when nothing was lost. */
  lostSeconds: number;
}

/** Compares the ledger with the ids a node holds. Only acknowledged writes count as loss. */
export function judgeLedger(ledger: Ledger, presentIds: Iterable<number>, acceptUntil = Infinity): LedgerVerdict {
  const present = new Set(presentIds);
  const entries = ledger.all();
  const byId = new Map(entries.map((e) => [e.id, e]));
  const lostEntries = entries.filter((e) => e.outcome === 'acked' && e.doneAt <= acceptUntil && !present.has(e.id));
  const unexpected = [...present]
    .filter((id) => {
      const e = byId.get(id);
      return !e || e.outcome === 'failed';
    })
    .sort((a, b) => a - b);
  const ind = entries.filter((e) => e.outcome === 'indeterminate');
  let lostSeconds = 0;
  if (lostEntries.length) {
    // Loops, not Math.min(...spread): a long drill has more writes than a call may take arguments.
    let firstLost = Infinity;
    let lastLost = -Infinity;
    for (const e of lostEntries) {
      firstLost = Math.min(firstLost, e.doneAt);
      lastLost = Math.max(lastLost, e.doneAt);
    }
    let from = -Infinity;
    for (const e of entries) if (e.outcome === 'acked' && present.has(e.id) && e.doneAt <= firstLost) from = Math.max(from, e.doneAt);
    if (from === -Infinity) from = firstLost;
    lostSeconds = (lastLost - from) / 1000;
  }
  return {
    lost: lostEntries.map((e) => e.id),
    unexpected,
    indeterminatePresent: ind.filter((e) => present.has(e.id)).length,
    indeterminateAbsent: ind.filter((e) => !present.has(e.id)).length,
    lostSeconds,
  };
}

export function ledgerCheck(name: string, ledger: Ledger, presentIds: Iterable<number>): CheckResult {
  const v = judgeLedger(ledger, presentIds);
  const s = ledger.summary();
  return {
    name,
    valid: v.lost.length === 0 && v.unexpected.length === 0,
    details: {
      acknowledged: s.acked,
      failed: s.failed,
      indeterminate: s.indeterminate,
      lostAcknowledgedWrites: v.lost.length,
      lostIds: v.lost.slice(0, 50),
      firstLostId: v.lost[0],
      lastLostId: v.lost[v.lost.length - 1],
      lostSeconds: v.lostSeconds,
      unexpectedRows: v.unexpected.length,
      unexpectedIds: v.unexpected.slice(0, 50),
      indeterminatePresent: v.indeterminatePresent,
      indeterminateAbsent: v.indeterminateAbsent,
    },
  };
}

/** A recovery point in client time: writes acknowledged before `from` precede it; writes sent after `to` follow it. */
export interface RecoveryCut {
  from: number;
  to: number;
}

interface CutVerdict {
  /** Acknowledged before the cut, missing: lost by the recovery. */
  missingBefore: number[];
  /** Sent after the cut, present: the recovery went past its target. */
  presentAfter: number[];
  /** Failed writes (or ids never sent) that are present. */
  unexpected: number[];
  /** In flight while the cut happened: binlog order decides, so either way is right; counted, not judged. */
  concurrentPresent: number;
  concurrentAbsent: number;
}

/** Judges a point-in-time recovery against the ledger: everything before the cut present, nothing after it. */
function judgeLedgerAtCut(ledger: Ledger, presentIds: Iterable<number>, cut: RecoveryCut): CutVerdict {
  const present = new Set(presentIds);
  const entries = ledger.all();
  const byId = new Map(entries.map((e) => [e.id, e]));
  const v: CutVerdict = { missingBefore: [], presentAfter: [], unexpected: [], concurrentPresent: 0, concurrentAbsent: 0 };
  for (const e of entries) {
    const has = present.has(e.id);
    if (e.outcome === 'acked' && e.doneAt < cut.from) {
      if (!has) v.missingBefore.push(e.id);
    } else if (e.sentAt > cut.to) {
      if (has) v.presentAfter.push(e.id);
    } else if (e.outcome !== 'failed') {
      if (has) v.concurrentPresent++;
      else v.concurrentAbsent++;
    }
  }
  v.unexpected = [...present]
    .filter((id) => {
      const e = byId.get(id);
      return !e || (e.outcome === 'failed' && e.sentAt <= cut.to);
    })
    .sort((a, b) => a - b);
  return v;
}

export function ledgerAtCutCheck(name: string, ledger: Ledger, presentIds: Iterable<number>, cut: RecoveryCut): CheckResult {
  const v = judgeLedgerAtCut(ledger, presentIds, cut);
  const all = ledger.all();
  return {
    name,
    valid: v.missingBefore.length === 0 && v.presentAfter.length === 0 && v.unexpected.length === 0,
    details: {
      method: 'acknowledged before the target must be present; sent after it must be absent; in flight across it: counted apart',
      acknowledgedBeforeTarget: all.filter((e) => e.outcome === 'acked' && e.doneAt < cut.from).length,
      sentAfterTarget: all.filter((e) => e.sentAt > cut.to).length,
      missingBeforeTarget: v.missingBefore.length,
      missingIds: v.missingBefore.slice(0, 50),
      presentAfterTarget: v.presentAfter.length,
      presentAfterIds: v.presentAfter.slice(0, 50),
      unexpectedRows: v.unexpected.length,
      unexpectedIds: v.unexpected.slice(0, 50),
      inFlightAtTargetPresent: v.concurrentPresent,
      inFlightAtTargetAbsent: v.concurrentAbsent,
    },
  };
}
