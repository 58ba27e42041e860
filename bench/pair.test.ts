import { describe, expect, it } from 'vitest';
import { measureAgainst, measurePair, meets, ratioOf, type Clock } from './pair.js';
import type { Pair } from './types.js';

/** A clock that only the steps move: each step says how long it "took" (no sleeping, no machine noise). */
function fakeClock(): { now: Clock; take: (ms: number) => Promise<void> } {
  let t = 0;
  return {
    now: () => t,
    take: async (ms) => {
      t += ms;
    },
  };
}

describe('the bench arithmetic', () => {
  it('keeps the fastest run of each side and alternates which side goes first', async () => {
    const c = fakeClock();
    const order: string[] = [];
    const harness = [130, 90, 110];
    const baseline = [100, 120, 95];
    const p = await measurePair(
      {
        harness: (i) => {
          order.push(`h${i}`);
          return c.take(harness[i]!);
        },
        baseline: (i) => {
          order.push(`b${i}`);
          return c.take(baseline[i]!);
        },
      },
      3,
      { now: c.now },
    );
    expect(p.harnessRuns).toEqual(harness);
    expect(p.baselineRuns).toEqual(baseline);
    expect([p.harnessMs, p.baselineMs]).toEqual([90, 95]);
    expect(order).toEqual(['b0', 'h0', 'h1', 'b1', 'b2', 'h2']);
    expect(ratioOf(p)).toBeCloseTo(90 / 95);
  });

  it('a planted slow harness step misses its target, after one more measurement of the pair', async () => {
    const c = fakeClock();
    let measurements = 0;
    const measure = (first: number) => {
      measurements++;
      // the harness step takes 1.6× its baseline every time: a real regression
      return measurePair({ harness: () => c.take(160), baseline: () => c.take(100) }, 2, { now: c.now, first });
    };
    const p = await measureAgainst({ max: 1.5 }, measure);
    expect(measurements).toBe(2);
    expect(p.rerun).toBe(true);
    expect(p.harnessRuns).toHaveLength(4);
    expect(ratioOf(p)).toBeCloseTo(1.6);
    expect(meets(p, { max: 1.5 })).toBe(false);
  });

  it('a miss from one noisy run is measured again and passes on the fastest of all runs', async () => {
    const c = fakeClock();
    let measurements = 0;
    const measure = (first: number) => {
      const slow = measurements++ === 0; // the machine was busy during the first measurement only
      return measurePair({ harness: () => c.take(slow ? 200 : 105), baseline: () => c.take(100) }, 1, { now: c.now, first });
    };
    const p = await measureAgainst({ max: 1.2 }, measure);
    expect(measurements).toBe(2);
    expect(p.rerun).toBe(true);
    expect(p.harnessRuns).toEqual([200, 105]);
    expect(meets(p, { max: 1.2 })).toBe(true);
  });

  it('a pair within its target is measured once', async () => {
    const c = fakeClock();
    let measurements = 0;
    const p = await measureAgainst({ max: 1.0 }, (first) => {
      measurements++;
      return measurePair({ harness: () => c.take(99), baseline: () => c.take(100) }, 1, { now: c.now, first });
    });
    expect(measurements).toBe(1);
    expect(p.rerun).toBeUndefined();
    expect(meets(p, { max: 1.0 })).toBe(true);
  });

  it('judges a strict target below its bound, a failed proviso as a miss, and a baseline under 1 ms as 1 ms', () => {
    const pair = (h: number, b: number, proviso?: boolean): Pair => ({
      harnessMs: h,
      baselineMs: b,
      harnessRuns: [h],
      baselineRuns: [b],
      proviso,
    });
    expect(meets(pair(100, 100), { max: 1.0 })).toBe(true);
    expect(meets(pair(100, 100), { max: 1.0, strict: true })).toBe(false);
    expect(meets(pair(50, 100, false), { max: 1.5 })).toBe(false);
    expect(ratioOf(pair(3, 0))).toBe(3);
  });

  it('clean-up runs after a failed step, and the failure is not timed as a result', async () => {
    const c = fakeClock();
    const after: string[] = [];
    await expect(
      measurePair(
        {
          harness: () => Promise.reject(new Error('load refused')),
          baseline: () => c.take(10),
          after: async (which, i) => {
            after.push(`${which}${i}`);
          },
        },
        1,
        { now: c.now },
      ),
    ).rejects.toThrow('load refused');
    expect(after).toEqual(['baseline0', 'harness0']);
  });
});
