import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { ExecError, type RunResult } from './run.js';

/** A running argv command (no shell) whose standard streams are handed to the caller: for data too big to buffer. */
export interface PipedProcess {
  stdin: Writable;
  stdout: Readable;
  /** Resolves when the command exits with 0 (stdout is not collected: the caller reads it), rejects with an ExecError. */
  done: Promise<RunResult>;
  kill(): void;
}

/** Starts argv with piped streams; stderr is kept (its tail) for the error and passed to `onStderr`. */
export function spawnPiped(
  argv: readonly string[],
  opts: { env?: Record<string, string>; onStderr?: (s: string) => void; timeoutMs?: number } = {},
): PipedProcess {
  if (argv.length === 0) throw new Error('spawnPiped: empty argv');
  const started = Date.now();
  const child = spawn(argv[0]!, argv.slice(1), {
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  let timedOut = false;
  let spawnError: unknown;
  child.stderr.on('data', (b: Buffer) => {
    const s = b.toString('utf8');
    err = (err + s).slice(-100_000);
    opts.onStderr?.(s);
  });
  child.stdin.on('error', () => {
    /* the command may exit before reading all input: its exit code says why */
  });
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, opts.timeoutMs)
    : undefined;
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const durationMs = Date.now() - started;
      if (spawnError === undefined && !timedOut && code === 0) resolve({ argv, exitCode: 0, stdout: '', stderr: err, durationMs });
      else reject(new ExecError({ argv, exitCode: code, signal, stdout: '', stderr: err, durationMs, timedOut, cause: spawnError }));
    });
  });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    done,
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}
