import type { Queryable } from './check.js';

/** Tables compared at once: one per core of a small machine; the servers' own scans are what takes the time. */
export const DEFAULT_LANES = 2;

/**
 * Runs `fn` over the items on up to `n` lanes at once; each lane has its own session on both servers (the first
 * lane the sessions given, the others opened with `another()` and closed at the end). Results keep the items'
 * order. Where either server cannot open another session, everything runs on one lane.
 */
export async function inLanes<T, R>(
  src: Queryable,
  dst: Queryable,
  items: readonly T[],
  n: number,
  fn: (item: T, src: Queryable, dst: Queryable) => Promise<R>,
): Promise<R[]> {
  const lanes: Array<[Queryable, Queryable]> = [[src, dst]];
  const opened: Array<Queryable & { close(): Promise<void> }> = [];
  try {
    if (src.another && dst.another) {
      for (let i = 1; i < Math.min(n, items.length); i++) {
        // A server that refuses another session (max_connections) leaves fewer lanes, never a failed comparison.
        const a = await src.another().catch(() => undefined);
        if (!a) break;
        opened.push(a);
        const b = await dst.another().catch(() => undefined);
        if (!b) break;
        opened.push(b);
        lanes.push([a, b]);
      }
    }
    const out: R[] = new Array(items.length);
    let next = 0;
    await Promise.all(
      lanes.map(async ([a, b]) => {
        for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, a, b);
      }),
    );
    return out;
  } finally {
    await Promise.all(opened.map((q) => q.close().catch(() => undefined)));
  }
}
