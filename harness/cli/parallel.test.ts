import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseParallel, runPool } from './parallel.js';

describe('runPool', () => {
  it('runs at most n at once and keeps the order of the items', async () => {
    let running = 0;
    let most = 0;
    const r = await runPool([30, 10, 20, 5, 15], 2, async (ms, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((res) => setTimeout(res, ms));
      running--;
      return i;
    });
    expect(r).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });
  it('with n = 1 runs strictly one after another', async () => {
    const order: string[] = [];
    await runPool(['a', 'b', 'c'], 1, async (x) => {
      order.push(`start ${x}`);
      await new Promise((res) => setTimeout(res, 5));
      order.push(`end ${x}`);
    });
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
  it('stops starting new items after an error, lets running ones finish, and throws the first error', async () => {
    const started: number[] = [];
    const finished: number[] = [];
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

describe('firedrill suite --parallel (bad input)', () => {
  it('refuses a bad --parallel with one line and exit 2, before anything starts', () => {
    const root = resolve(import.meta.dirname, '..', '..');
    const r = spawnSync(process.execPath, [resolve(root, 'bin/firedrill.mjs'), 'suite', 'default', '--parallel', '0'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad --parallel '0'/);
  }, 60_000);
});
