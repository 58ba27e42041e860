/**
 * The ledger: every write the workload sent and what the client learned of it. "acked": the server confirmed the
 * commit. "failed": the server answered with an error, so nothing was committed. "indeterminate": the connection
 * broke before an answer, so the client cannot know; such writes are never counted as lost or present by guess.
 */
export type Outcome = 'acked' | 'failed' | 'indeterminate';

export interface LedgerEntry {
  id: number;
  writer: number;
  sentAt: number;
  /** When the client learned the outcome (for acked writes: the acknowledgement time). */
  doneAt: number;
  outcome: Outcome;
  error?: string;
}

/** The ledger's tallies (result.json's `ledger`). */
export interface LedgerSummary {
  sent: number;
  acked: number;
  failed: number;
  indeterminate: number;
  firstAckAt?: number;
  lastAckAt?: number;
}

export class Ledger {
  private readonly entries = new Map<number, LedgerEntry>();
  /** Tallies kept as writes are recorded: summary() is polled while the workload runs and must stay O(1). */
  private readonly counts: Record<Outcome, number> = { acked: 0, failed: 0, indeterminate: 0 };
  private firstAckAt: number | undefined;
  private lastAckAt: number | undefined;

  record(e: LedgerEntry): void {
    if (this.entries.has(e.id)) throw new Error(`ledger: id ${e.id} recorded twice`);
    this.entries.set(e.id, e);
    this.counts[e.outcome]++;
    if (e.outcome === 'acked') {
      this.firstAckAt = Math.min(this.firstAckAt ?? e.doneAt, e.doneAt);
      this.lastAckAt = Math.max(this.lastAckAt ?? e.doneAt, e.doneAt);
    }
  }

  all(): LedgerEntry[] {
    return [...this.entries.values()].sort((a, b) => a.id - b.id);
  }
  byOutcome(o: Outcome): LedgerEntry[] {
    return this.all().filter((e) => e.outcome === o);
  }
  get size(): number {
    return this.entries.size;
  }

  summary(): LedgerSummary {
    return { sent: this.size, ...this.counts, firstAckAt: this.firstAckAt, lastAckAt: this.lastAckAt };
  }

  toJSON(): LedgerEntry[] {
    return this.all();
  }
}
