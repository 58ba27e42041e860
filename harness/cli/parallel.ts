/**
 * Runs `fn` over the items with at most `n` running at once; results keep the items' order. When one throws, no new
 * item starts (as in a loop that stops at an error), the ones running finish, and the first error is thrown.
 */
export async function runPool<T, R>(items: readonly T[], n: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failure: { e: unknown } | undefined;
  const worker = async () => {
    for (let i = next++; i < items.length && !failure; i = next++) {
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        failure ??= { e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  if (failure) throw failure.e;
  return out;
}

/** Parses --parallel: a whole number from 1 to 16 (undefined: 1). */
export function parseParallel(v: string | undefined): number | Error {
  if (v === undefined) return 1;
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 16 ? n : new Error(`bad --parallel '${v}' (a whole number from 1 to 16)`);
}
