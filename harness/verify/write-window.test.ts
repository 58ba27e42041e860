import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../workload/index.js';
import { writeUnavailability } from './write-window.js';

const ack = (id: number, at: number): LedgerEntry => ({ id, writer: 1, sentAt: at - 2, doneAt: at, outcome: 'acked' });

describe('write unavailability around a switchover (from the ledger)', () => {
  it('is the longest stretch without an acknowledged write inside the switch, with the writes refused in it', () => {
    const entries = [
      ack(1, 1000),
      ack(2, 1010),
      ack(3, 1020),
      { id: 4, writer: 2, sentAt: 1030, doneAt: 1100, outcome: 'failed', error: 'read-only' } as LedgerEntry,
      ack(5, 1900),
      ack(6, 1910),
    ];
    const w = writeUnavailability(entries, 1015, 1905);
    expect(w.writeUnavailableMs).toBe(880);
    expect(w.refused).toBe(1);
    expect(w.fromIso).toBe(new Date(1020).toISOString());
  });
  it('does not count a pause that ended before the switch, nor time before the switch began', () => {
    // the application paused 1000 -> 5000 (a comparison), then wrote again; the switch is 5010 -> 5300
    const entries = [ack(1, 1000), ack(2, 5000), ack(3, 5005), ack(4, 5250), ack(5, 5260)];
    expect(writeUnavailability(entries, 5010, 5300).writeUnavailableMs).toBe(240);
    // a stretch that began before the switch counts from the switch on
    expect(writeUnavailability([ack(1, 1000), ack(2, 5200)], 5000, 5300).writeUnavailableMs).toBe(200);
  });
  it('a failover counts from the last write the old primary acknowledged before the fault to the first on the new one', () => {
    const entries = [ack(1, 1000), ack(2, 1005), ack(3, 4000), ack(4, 4010)];
    // the fault at 1100 (after the last acknowledgement): the window is 1005 -> 4000, not 1100 -> 4000
    expect(writeUnavailability(entries, 1100, 4000, { sinceLastAck: true })).toMatchObject({
      writeUnavailableMs: 2995,
      fromIso: new Date(1005).toISOString(),
    });
    expect(writeUnavailability(entries, 1100, 4000).writeUnavailableMs).toBe(2900);
  });
  it('no acknowledged write at all around the switch: nothing to measure', () => {
    expect(writeUnavailability([], 0, 100).writeUnavailableMs).toBe(0);
  });
});
