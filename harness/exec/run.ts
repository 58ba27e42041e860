import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';

/** Options for one command. There is no shell: argv[0] is the program, the rest its arguments. */
export interface RunOptions {
  /** Bytes or text written to the command's standard input. */
  input?: string | Buffer;
  /** A file streamed to the command's standard input. */
  inputFile?: string;
  /** Extra environment (merged over process.env); the place for secrets, never argv. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Exit codes that count as success (default [0]). */
  okExitCodes?: number[];
  /** Called with each chunk of stderr, e.g. to show progress of a long step. */
  onStderr?: (chunk: string) => void;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

const TAIL_CHARS = 2000;

/** One rich error: what ran, how it ended, the tail of what it said, how long it took. */
export class ExecError extends Error {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderrTail: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
  constructor(p: {
    argv: readonly string[]; exitCode: number | null; signal: string | null; stdout: string;
    stderr: string; durationMs: number; timedOut: boolean; cause?: unknown;
  }) {
    const tail = p.stderr.length > TAIL_CHARS ? '…' + p.stderr.slice(-TAIL_CHARS) : p.stderr;
    const how = p.timedOut ? `timed out after ${p.durationMs} ms`
      : p.cause !== undefined ? `could not start: ${p.cause instanceof Error ? p.cause.message : String(p.cause)}`
        : p.signal ? `killed by ${p.signal}` : `exit code ${p.exitCode}`;
    super(`command failed (${how}, ${p.durationMs} ms): ${formatArgv(p.argv)}${tail.trim() ? `\n${tail.trim()}` : ''}`,
      p.cause === undefined ? undefined : { cause: p.cause });
    this.name = 'ExecError';
    this.argv = p.argv; this.exitCode = p.exitCode; this.signal = p.signal; this.stdout = p.stdout;
    this.stderrTail = tail; this.durationMs = p.durationMs; this.timedOut = p.timedOut;
  }
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

const commandObservers = new Set<(argv: readonly string[]) => void>();

/** Calls fn with every command's argv before it runs (e.g. `--verbose` logging); returns the unsubscribe. */
export function observeCommands(fn: (argv: readonly string[]) => void): () => void {
  commandObservers.add(fn);
  return () => { commandObservers.delete(fn); };
}

/** Runs argv without a shell and resolves with its output, or rejects with an ExecError. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  if (argv.length === 0) throw new Error('run: empty argv');
  for (const o of commandObservers) { try { o(argv); } catch { /* an observer never stops a command */ } }
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    let spawnError: unknown;
    const timer = opts.timeoutMs
      ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs) : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      const s = b.toString('utf8');
      err += s;
      if (err.length > 1_000_000) err = err.slice(-500_000);
      opts.onStderr?.(s);
    });
    child.stdin.on('error', () => { /* the command may exit before reading all input */ });
    if (opts.inputFile) {
      const src = createReadStream(opts.inputFile);
      src.on('error', (e) => { spawnError = e; child.kill('SIGKILL'); });
      src.pipe(child.stdin);
    } else if (opts.input !== undefined) {
      child.stdin.end(opts.input);
    } else {
      child.stdin.end();
    }
    child.on('error', (e) => { spawnError = e; });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const durationMs = Date.now() - started;
      const stdout = Buffer.concat(out).toString('utf8');
      const ok = opts.okExitCodes ?? [0];
      if (spawnError === undefined && !timedOut && code !== null && ok.includes(code)) {
        resolve({ argv, exitCode: code, stdout, stderr: err, durationMs });
      } else {
        reject(new ExecError({ argv, exitCode: code, signal, stdout, stderr: err, durationMs, timedOut, cause: spawnError }));
      }
    });
  });
}
