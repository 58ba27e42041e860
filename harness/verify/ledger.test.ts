import { describe, expect, it } from 'vitest';
import { Ledger } from '../workload/ledger.js';
import { judgeLedger, ledgerAtCutCheck, ledgerCheck } from './ledger.js';

function ledger(): Ledger {
  const l = new Ledger();
  for (let id = 1; id <= 10; id++) l.record({ id, writer: 1, sentAt: id * 1000 - 5, doneAt: id * 1000, outcome: 'acked' });
  l.record({ id: 11, writer: 1, sentAt: 11_000, doneAt: 11_010, outcome: 'indeterminate', error: 'Connection lost' });
  l.record({ id: 12, writer: 1, sentAt: 12_000, doneAt: 12_010, outcome: 'failed', error: 'ER_OPTION_PREVENTS_STATEMENT' });
  return l;
}

describe('ledger verdict', () => {
  it('passes when every acknowledged write is present; indeterminate writes count apart either way', () => {
    const c = ledgerCheck('n', ledger(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(c.valid).toBe(true);
    expect(c.details).toMatchObject({ lostAcknowledgedWrites: 0, indeterminatePresent: 1, indeterminateAbsent: 0, acknowledged: 10 });
    expect(ledgerCheck('n', ledger(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).valid).toBe(true);
  });

  it('counts each lost acknowledged write with its ids and the seconds of writes lost', () => {
    const v = judgeLedger(ledger(), [1, 2, 3, 4, 5, 6, 7]);
    expect(v.lost).toEqual([8, 9, 10]);
    expect(v.lostSeconds).toBe(3); // from the last survivor's ack (7 s) to the last lost ack (10 s)
    const c = ledgerCheck('restored', ledger(), [1, 2, 3, 4, 5, 6, 7]);
    expect(c.valid).toBe(false);
    expect(c.details).toMatchObject({ lostAcknowledgedWrites: 3, firstLostId: 8, lastLostId: 10 });
  });

  it('flags rows the client never wrote or saw fail', () => {
    const v = judgeLedger(ledger(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 99]);
    expect(v.unexpected).toEqual([12, 99]);
    expect(ledgerCheck('n', ledger(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 99]).valid).toBe(false);
  });

  it('refuses to record an id twice', () => {
    const l = ledger();
    expect(() => l.record({ id: 1, writer: 2, sentAt: 0, doneAt: 0, outcome: 'acked' })).toThrow(/twice/);
  });
});

describe('ledger at scale', () => {
  it('summarises and judges 300k writes (more than a call takes as arguments)', () => {
    const l = new Ledger();
    for (let id = 1; id <= 300_000; id++) l.record({ id, writer: 1, sentAt: id, doneAt: id + 1, outcome: 'acked' });
    expect(l.summary()).toMatchObject({ sent: 300_000, acked: 300_000, firstAckAt: 2, lastAckAt: 300_001 });
    const present = Array.from({ length: 299_000 }, (_, i) => i + 1);
    const v = judgeLedger(l, present);
    expect(v.lost).toHaveLength(1000);
    expect(v.lostSeconds).toBe(1); // last survivor acked at 299001 ms, last lost at 300001 ms
  });
});

describe('ledger at a point-in-time recovery cut', () => {
  // Writes 1..10 acked at 1 s .. 10 s; the accident ran from 5.5 s to 5.6 s; write 6 was sent at 5.995 s.
  const cut = { from: 5_500, to: 5_600 };

  it('passes when everything before the cut is present and nothing after it', () => {
    const c = ledgerAtCutCheck('pitr', ledger(), [1, 2, 3, 4, 5], cut);
    expect(c.valid).toBe(true);
    expect(c.details).toMatchObject({ acknowledgedBeforeTarget: 5, missingBeforeTarget: 0, presentAfterTarget: 0 });
  });

  it('fails on a write acknowledged before the cut that the recovery lost, naming it', () => {
    const c = ledgerAtCutCheck('pitr', ledger(), [1, 2, 4, 5], cut);
    expect(c.valid).toBe(false);
    expect(c.details).toMatchObject({ missingBeforeTarget: 1, missingIds: [3] });
  });

  it('fails when the recovery went past its target (a write sent after the cut is present)', () => {
    const c = ledgerAtCutCheck('pitr', ledger(), [1, 2, 3, 4, 5, 6, 7], cut);
    expect(c.valid).toBe(false);
    expect(c.details).toMatchObject({ presentAfterTarget: 2, presentAfterIds: [6, 7] });
  });

  it('counts writes in flight across the cut apart, present or not', () => {
    const l = ledger();
    l.record({ id: 13, writer: 2, sentAt: 5_450, doneAt: 5_650, outcome: 'acked' });
    expect(ledgerAtCutCheck('pitr', l, [1, 2, 3, 4, 5, 13], cut)).toMatchObject({ valid: true, details: { inFlightAtTargetPresent: 1 } });
    expect(ledgerAtCutCheck('pitr', l, [1, 2, 3, 4, 5], cut)).toMatchObject({ valid: true, details: { inFlightAtTargetAbsent: 1 } });
  });
});
