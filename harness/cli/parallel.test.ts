import { describe, expect, it } from 'vitest';
import { parseParallel, runPool } from './parallel.js';

describe('runPool', () => {
  it('runs at most n at once and keeps the order of the items', async () => {
    let running = 0; let most = 0;
    const r = await runPool([30, 10, 20, 5, 15], 2, async (ms, i) => {
      running++; most = Math.max(most, running);
      await new Promise((res) => setTimeout(res, ms));
      running--;
      return i;
    });
    expect(r).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });
  it('with n = 1 runs strictly one after another', async () => {
    const order: string[] = [];
    await runPool(['a', 'b', 'c'], 1, async (x) => { order.push(`start ${x}`); await new Promise((res) => setTimeout(res, 5)); order.push(`end ${x}`); });
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
  it('stops starting new items after an error, lets running ones finish, and throws the first error', async () => {
    const started: number[] = []; const finished: number[] = [];
    const p = runPool([0, 1, 2, 3], 2, async (x) => {
      started.push(x);
      if (x === 0) throw new Error('could not run 0');
      await new Promise((res) => setTimeout(res, 10));
      finished.push(x);
    });
    await expect(p).rejects.toThrow('could not run 0');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([1]);
  });
});

describe('parseParallel', () => {
  it('accepts 1 to 16 and refuses anything else', () => {
    expect(parseParallel(undefined)).toBe(1);
    expect(parseParallel('2')).toBe(2);
    for (const bad of ['0', '17', '1.5', 'two', '']) expect(parseParallel(bad)).toBeInstanceOf(Error);
  });
});
