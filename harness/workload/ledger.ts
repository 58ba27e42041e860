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

export class Ledger {
  private readonly entries = new Map<number, LedgerEntry>();

  record(e: LedgerEntry): void {
    if (this.entries.has(e.id)) throw new Error(`ledger: id ${e.id} recorded twice`);
    this.entries.set(e.id, e);
  }

  all(): LedgerEntry[] { return [...this.entries.values()].sort((a, b) => a.id - b.id); }
  byOutcome(o: Outcome): LedgerEntry[] { return this.all().filter((e) => e.outcome === o); }
  get size(): number { return this.entries.size; }

  /** Acknowledged writes whose acknowledgement came at or before `t` (ms since epoch). */
  ackedBy(t: number): LedgerEntry[] { return this.byOutcome('acked').filter((e) => e.doneAt <= t); }

  summary(): { sent: number; acked: number; failed: number; indeterminate: number; firstAckAt?: number; lastAckAt?: number } {
    const acked = this.byOutcome('acked');
    return {
      sent: this.size, acked: acked.length, failed: this.byOutcome('failed').length,
      indeterminate: this.byOutcome('indeterminate').length,
      firstAckAt: acked.length ? Math.min(...acked.map((e) => e.doneAt)) : undefined,
      lastAckAt: acked.length ? Math.max(...acked.map((e) => e.doneAt)) : undefined,
    };
  }

  toJSON(): LedgerEntry[] { return this.all(); }

  static fromJSON(entries: readonly LedgerEntry[]): Ledger {
    const l = new Ledger();
    for (const e of entries) l.record(e);
    return l;
  }
}
