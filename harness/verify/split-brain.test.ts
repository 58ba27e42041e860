import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../workload/index.js';
import { splitBrainHeld, splitBrainWrites } from './split-brain.js';

const e = (id: number, writer: number, doneAt: number, outcome: LedgerEntry['outcome'] = 'acked'): LedgerEntry => ({
  id,
  writer,
  sentAt: doneAt - 1,
  doneAt,
  outcome,
});
// writers 3 and 4 on the old primary's side; promotion at t=100
const ledger = [e(1, 1, 50), e(2, 3, 60), e(3, 3, 110), e(4, 1, 120), e(5, 4, 130), e(6, 4, 140, 'indeterminate'), e(7, 2, 150)];

describe('split-brain writes: what the old primary acknowledged after the promotion', () => {
  it("counts the old side's acknowledged writes after the promotion, exact ids, nothing else", () => {
    expect(splitBrainWrites(ledger, [3, 4], 100).map((x) => x.id)).toEqual([3, 5]);
  });

  it("leaves out what a writer sent after its side was repointed to the new primary (found on 10.5: such writes were counted and 'reached' it)", () => {
    const later = [...ledger, e(8, 3, 160), e(9, 4, 170)];
    expect(splitBrainWrites(later, [3, 4], 100).map((x) => x.id)).toEqual([3, 5, 8, 9]);
    expect(
      splitBrainWrites(
        later,
        [3, 4],
        100,
        new Map([
          [3, 8],
          [4, 9],
        ]),
      ).map((x) => x.id),
    ).toEqual([3, 5]);
    expect(splitBrainWrites(later, [3, 4], 100, new Map([[3, 8]])).map((x) => x.id)).toEqual([3, 5, 9]);
  });

  it('passes when each is on the old primary alone', () => {
    const r = splitBrainHeld('primary', 'replica-1', splitBrainWrites(ledger, [3, 4], 100), [1, 2, 3, 5], [1, 2, 4, 7]);
    expect(r).toMatchObject({ name: 'primary-split-brain-writes', valid: true, details: { count: 2, ids: [3, 5] } });
  });

  it('fails, naming the id, when one reached the new primary (the cut leaked: no split brain) or is missing on the old one', () => {
    const r = splitBrainHeld('primary', 'replica-1', splitBrainWrites(ledger, [3, 4], 100), [1, 2, 3], [1, 2, 3, 4, 7]);
    expect(r.valid).toBe(false);
    expect(r.details['differences']).toEqual([
      expect.objectContaining({ kind: 'split-brain-write-missing-on-primary', where: 'id 5' }),
      expect.objectContaining({ kind: 'split-brain-write-reached-replica-1', where: 'id 3' }),
    ]);
  });

  it('fails when the old primary acknowledged nothing after the promotion: no split brain was drilled', () => {
    const r = splitBrainHeld('primary', 'replica-1', splitBrainWrites(ledger, [3, 4], 200), [1, 2, 3, 5], [1]);
    expect(r.valid).toBe(false);
    expect(r.details['differences']).toEqual([
      expect.objectContaining({ kind: 'no-write-acknowledged-by-the-old-primary-after-the-promotion' }),
    ]);
  });
});
