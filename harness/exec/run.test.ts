import { describe, expect, it } from 'vitest';
import { ExecError, formatArgv, run } from './run.js';
import { waitUntil, WaitTimeoutError } from './wait.js';

describe('run', () => {
  it('returns stdout and the exit code of an argv command', async () => {
    const r = await run(['sh', '-c', 'printf "%s" "$1"', 'sh', 'a b; rm -rf /']);
    expect(r.stdout).toBe('a b; rm -rf /'); // an argument is data, never shell text
    expect(r.exitCode).toBe(0);
  });

  it('feeds input on stdin', async () => {
    expect((await run(['cat'], { input: 'hello' })).stdout).toBe('hello');
  });

  it('fails with one rich error: argv, exit code, stderr tail, duration', async () => {
    const e = await run(['sh', '-c', 'echo boom >&2; exit 3']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ExecError);
    const x = e as ExecError;
    expect(x.exitCode).toBe(3);
    expect(x.stderrTail).toContain('boom');
    expect(x.argv).toEqual(['sh', '-c', 'echo boom >&2; exit 3']);
    expect(x.message).toContain('exit code 3');
    expect(x.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('kills a command that runs past its timeout and says so', async () => {
    const e = (await run(['sleep', '5'], { timeoutMs: 100 }).catch((x: unknown) => x)) as ExecError;
    expect(e.timedOut).toBe(true);
    expect(e.message).toMatch(/timed out/);
  });

  it('reports a program that cannot start', async () => {
    const e = (await run(['/no/such/program']).catch((x: unknown) => x)) as ExecError;
    expect(e).toBeInstanceOf(ExecError);
    expect(e.message).toMatch(/could not start/);
  });

  it('quotes argv for display', () => {
    expect(formatArgv(['docker', 'exec', 'a b', "it's"])).toBe(`docker exec 'a b' 'it'\\''s'`);
  });
});

describe('waitUntil', () => {
  it('resolves with the first accepted value', async () => {
    let n = 0;
    expect(
      await waitUntil(
        async () => ++n,
        (v) => v >= 3,
        { what: 'n to reach 3', timeoutMs: 2000, intervalMs: 1 },
      ),
    ).toBe(3);
  });

  it('times out naming what it waited for and the last value seen', async () => {
    const e = (await waitUntil(
      async () => 'Connecting',
      (v) => v === 'Yes',
      { what: 'IO thread to run', timeoutMs: 50, intervalMs: 10 },
    ).catch((x: unknown) => x)) as WaitTimeoutError;
    expect(e).toBeInstanceOf(WaitTimeoutError);
    expect(e.message).toContain('IO thread to run');
    expect(e.message).toContain('"Connecting"');
    expect(e.lastValue).toBe('Connecting');
  });

  it('reports the last error when the probe kept failing', async () => {
    const e = (await waitUntil(
      async () => {
        throw new Error('refused');
      },
      () => true,
      { what: 'x', timeoutMs: 30, intervalMs: 5 },
    ).catch((x: unknown) => x)) as Error;
    expect(e.message).toContain('last error: refused');
  });

  it('stops at once on an error marked fatal', async () => {
    const t0 = Date.now();
    const e = await waitUntil(
      async () => {
        throw new RangeError('exited');
      },
      () => true,
      { what: 'x', timeoutMs: 5000, abortOn: (x) => x instanceof RangeError },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RangeError);
    expect(Date.now() - t0).toBeLessThan(4000);
  });
});

describe('run: deadlines and cancellation', () => {
  it('kills a command when its cancel signal aborts, and says it was cancelled', async () => {
    const ac = new AbortController();
    const p = run(['sleep', '30'], { signal: ac.signal }).catch((x: unknown) => x);
    setTimeout(() => ac.abort(), 50);
    const e = (await p) as ExecError;
    expect(e).toBeInstanceOf(ExecError);
    expect(e.canceled).toBe(true);
    expect(e.message).toMatch(/cancelled/);
  });

  it('kills commands started inside a cancel scope and refuses new ones after it aborted', async () => {
    const { withCancelScope, commandsSettled } = await import('./run.js');
    const ac = new AbortController();
    const inner = withCancelScope(ac.signal, async () => {
      const first = run(['sleep', '30']).catch((x: unknown) => x);
      setTimeout(() => ac.abort(), 50);
      const e1 = await first;
      const e2 = await run(['true']).catch((x: unknown) => x);
      return [e1, e2] as ExecError[];
    });
    const [e1, e2] = await inner;
    expect(e1!.canceled).toBe(true);
    expect(e2!.canceled).toBe(true);
    expect(await commandsSettled(1000)).toBe(0);
  });
});
