// Timing one harness step against the physical work it stands for, back to back, and judging the ratio against its
// target: the bench's arithmetic, in one place (bench/pair.test.ts plants a slow step in it).
import { loadavg } from 'node:os';
import type { Pair } from './types.js';

/** A ratio's target: the harness's time over the baseline's, at most `max` (below it when `strict`). */
export interface Target {
  max: number;
  strict?: boolean;
}

/** A clock in milliseconds (performance.now; a test gives its own). */
export type Clock = () => number;

/** Times one call. */
export async function timed<T>(fn: () => Promise<T>, now: Clock = () => performance.now()): Promise<{ ms: number; value: T }> {
  const t0 = now();
  const value = await fn();
  return { ms: now() - t0, value };
}

export interface PairSteps {
  harness: (i: number) => Promise<unknown>;
  baseline: (i: number) => Promise<unknown>;
  /** Before each side (not timed): e.g. a fresh destination. */
  before?: (which: 'harness' | 'baseline', i: number) => Promise<unknown>;
  /** After each side, also when it failed (not timed): clean-up. */
  after?: (which: 'harness' | 'baseline', i: number) => Promise<unknown>;
}

/**
 * Measures the harness step and its physical baseline `n` times each, alternating which goes first, and keeps the
 * fastest of each: on a shared machine interference only ever adds time, so the minimum is the best estimate.
 */
export async function measurePair(
  steps: PairSteps,
  n: number,
  o: { now?: Clock; progress?: (line: string) => void; name?: string; first?: number } = {},
): Promise<Pair> {
  const h: number[] = [];
  const b: number[] = [];
  const from = o.first ?? 0;
  const load = [loadavg()[0]!];
  for (let i = from; i < from + n; i++) {
    const order = i % 2 === 0 ? (['baseline', 'harness'] as const) : (['harness', 'baseline'] as const);
    for (const which of order) {
      await steps.before?.(which, i);
      try {
        const t = await timed(() => (which === 'harness' ? steps.harness(i) : steps.baseline(i)), o.now);
        (which === 'harness' ? h : b).push(Math.round(t.ms));
      } finally {
        await steps.after?.(which, i);
      }
    }
    o.progress?.(`${o.name ?? 'pair'}: harness ${h.at(-1)} ms, baseline ${b.at(-1)} ms`);
  }
  load.push(loadavg()[0]!);
  return { harnessMs: Math.min(...h), baselineMs: Math.min(...b), harnessRuns: h, baselineRuns: b, loadavg: load };
}

/** The harness's time over the baseline's (a baseline under 1 ms counts as 1 ms). */
export const ratioOf = (p: Pair): number => p.harnessMs / Math.max(1, p.baselineMs);

/** Whether a pair meets its target: the ratio within it, and its proviso (if any) held. */
export const meets = (p: Pair, t: Target): boolean => (t.strict ? ratioOf(p) < t.max : ratioOf(p) <= t.max) && p.proviso !== false;

/**
 * Measures a pair and judges it; a miss is measured once more (noise on a shared machine only ever adds time) and the
 * fastest of all runs of each side is kept (`rerun` set): the caller judges that with `meets`.
 */
export async function measureAgainst(
  target: Target,
  measure: (first: number) => Promise<Pair>,
  progress: (line: string) => void = () => {},
): Promise<Pair> {
  const p = await measure(0);
  if (meets(p, target)) return p;
  progress(`ratio ${ratioOf(p).toFixed(2)} misses ${target.strict ? '<' : '≤'} ${target.max}: measuring the pair once more`);
  const again = await measure(p.harnessRuns.length);
  const harnessRuns = [...p.harnessRuns, ...again.harnessRuns];
  const baselineRuns = [...p.baselineRuns, ...again.baselineRuns];
  const merged: Pair = {
    ...p,
    ...again,
    harnessRuns,
    baselineRuns,
    harnessMs: Math.min(...harnessRuns),
    baselineMs: Math.min(...baselineRuns),
    loadavg: [...(p.loadavg ?? []), ...(again.loadavg ?? [])],
    proviso: p.proviso === false || again.proviso === false ? false : (again.proviso ?? p.proviso),
  };
  return { ...merged, rerun: true };
}
