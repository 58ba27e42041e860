/**
 * How long writes were unavailable around a switchover or a failover, from the client ledger alone: the longest
 * stretch without an acknowledged write that overlaps [from, to], and the writes refused or left indeterminate in it.
 * A planned switchover does not count time before it began (a pause of the application before it is not the
 * switchover's doing); a failover (`sinceLastAck`) counts from the last write the old primary acknowledged before the
 * fault at `from` (the window: last acknowledged write on the old primary to the first on the new one).
 */
import type { LedgerEntry } from '../workload/index.js';

export interface WriteWindow {
  writeUnavailableMs: number;
  fromIso: string;
  toIso: string;
  refused: number;
  indeterminate: number;
}

export function writeUnavailability(
  entries: readonly LedgerEntry[],
  from: number,
  to: number,
  opts: { sinceLastAck?: boolean } = {},
): WriteWindow {
  const acks = entries
    .filter((e) => e.outcome === 'acked')
    .map((e) => e.doneAt)
    .sort((a, b) => a - b);
  let gap = 0;
  let gapFrom = from;
  let gapTo = from;
  for (let i = 1; i < acks.length; i++) {
    const start = opts.sinceLastAck ? acks[i - 1]! : Math.max(acks[i - 1]!, from);
    const end = acks[i]!;
    if (end < from || acks[i - 1]! > to) continue;
    if (end - start > gap) {
      gap = end - start;
      gapFrom = start;
      gapTo = end;
    }
  }
  const inWindow = entries.filter((e) => e.sentAt <= gapTo && e.doneAt >= gapFrom);
  return {
    writeUnavailableMs: gap,
    fromIso: new Date(gapFrom).toISOString(),
    toIso: new Date(gapTo).toISOString(),
    refused: inWindow.filter((e) => e.outcome === 'failed').length,
    indeterminate: inWindow.filter((e) => e.outcome === 'indeterminate').length,
  };
}
