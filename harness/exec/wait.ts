import { setTimeout as delay } from 'node:timers/promises';
import { currentCancelSignal } from './run.js';

export interface WaitOptions {
  /** What is being waited for, in words: it names the timeout error. */
  what: string;
  timeoutMs: number;
  /** Pause between polls (a poll, not a sleep-to-wait: each round re-checks the condition). */
  intervalMs?: number;
  /** Errors that end the wait at once (e.g. the server exited) instead of counting as "not yet". */
  abortOn?: (e: unknown) => boolean;
}

/** Raised when a condition did not hold in time; carries the last value (or error) seen. */
export class WaitTimeoutError extends Error {
  readonly lastValue: unknown;
  constructor(what: string, timeoutMs: number, lastValue: unknown, lastError?: unknown) {
    const seen =
      lastError !== undefined
        ? `last error: ${lastError instanceof Error ? lastError.message.split('\n')[0] : String(lastError)}`
        : `last value seen: ${describe(lastValue)}`;
    super(`timed out after ${timeoutMs} ms waiting for ${what}; ${seen}`);
    this.name = 'WaitTimeoutError';
    this.lastValue = lastValue;
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'none';
  try {
    const s = JSON.stringify(v);
    return s.length > 300 ? s.slice(0, 300) + '…' : s;
  } catch {
    return String(v);
  }
}

/**
 * Polls `probe` until `accept(value)` holds. A probe that throws counts as "not yet" (and its error is reported
 * if time runs out). Resolves with the accepted value.
 */
export async function waitUntil<T>(probe: () => Promise<T>, accept: (v: T) => boolean, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 200;
  const cancel = currentCancelSignal();
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    if (cancel?.aborted) throw cancel.reason; // the run was interrupted: stop waiting at once
    try {
      last = await probe();
      lastError = undefined;
      if (accept(last)) return last;
    } catch (e) {
      if (opts.abortOn?.(e)) throw e;
      lastError = e;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(opts.what, opts.timeoutMs, last, lastError);
    await delay(Math.min(interval, Math.max(0, deadline - Date.now())), undefined, cancel ? { signal: cancel } : undefined).catch(
      () => undefined,
    );
  }
}

/** Awaits a long step, telling `progress` every `everyMs` that it is still running and for how long. */
export async function withHeartbeat<T>(progress: (m: string) => void, label: string, work: Promise<T>, everyMs = 10_000): Promise<T> {
  const t0 = Date.now();
  const timer = setInterval(() => progress(`${label}: still running (${Math.round((Date.now() - t0) / 1000)} s)`), everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
