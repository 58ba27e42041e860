import { AsyncLocalStorage } from 'node:async_hooks';
import { execa, type ResultPromise } from 'execa';

/** Options for one command. There is no shell: argv[0] is the program, the rest its arguments. */
export interface RunOptions {
  /** Bytes or text written to the command's standard input. */
  input?: string | Buffer;
  /** A file streamed to the command's standard input. */
  inputFile?: string;
  /** Extra environment (merged over process.env); the place for secrets, never argv. */
  env?: Record<string, string>;
  /** The command's deadline (default DEFAULT_TIMEOUT_MS): past it the command is killed and the error says so. */
  timeoutMs?: number;
  /** Cancels the command (it is killed); the scope's signal (see `withCancelScope`) applies too. */
  signal?: AbortSignal;
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

/** The backstop deadline of a command that gives none: nothing the harness runs may wait forever. */
export const DEFAULT_TIMEOUT_MS = 30 * 60_000;
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
  /** Killed because the run was cancelled (interrupted), not because it failed. */
  readonly canceled: boolean;
  constructor(p: {
    argv: readonly string[];
    exitCode: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
    durationMs: number;
    timedOut: boolean;
    canceled?: boolean;
    timeoutMs?: number;
    cause?: unknown;
  }) {
    const tail = p.stderr.length > TAIL_CHARS ? '…' + p.stderr.slice(-TAIL_CHARS) : p.stderr;
    const how = p.timedOut
      ? `timed out after ${p.timeoutMs ?? p.durationMs} ms (deadline)`
      : p.canceled
        ? 'cancelled: the run was interrupted'
        : p.cause !== undefined
          ? `could not start: ${p.cause instanceof Error ? p.cause.message : String(p.cause)}`
          : p.signal
            ? `killed by ${p.signal}`
            : `exit code ${p.exitCode}`;
    super(
      `command failed (${how}, ${p.durationMs} ms): ${formatArgv(p.argv)}${tail.trim() ? `\n${tail.trim()}` : ''}`,
      p.cause === undefined ? undefined : { cause: p.cause },
    );
    this.name = 'ExecError';
    this.argv = p.argv;
    this.exitCode = p.exitCode;
    this.signal = p.signal;
    this.stdout = p.stdout;
    this.stderrTail = tail;
    this.durationMs = p.durationMs;
    this.timedOut = p.timedOut;
    this.canceled = !!p.canceled;
  }
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * A cancel scope: every command started (directly or indirectly) inside `fn` is killed when `signal` aborts, and no
 * new one starts after that. How an interrupted run stops its children without threading a signal through every call.
 */
const scope = new AsyncLocalStorage<AbortSignal>();
export function withCancelScope<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return scope.run(signal, fn);
}
/** Runs `fn` outside any cancel scope (teardown must run to the end even when the run was cancelled). */
export const outsideCancelScope = <T>(fn: () => T): T => scope.exit(fn);
/** The scope's signal, if the caller runs inside one. */
export const currentCancelSignal = (): AbortSignal | undefined => scope.getStore();

/** Children still running, so an interrupted run can wait for every one of them to be gone. */
const live = new Set<ResultPromise>();
/** Resolves once no command started by `run` is still running (or after `timeoutMs`); returns how many remain. */
export async function commandsSettled(timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (live.size > 0 && Date.now() < deadline) {
    await Promise.race([Promise.allSettled([...live]), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]);
  }
  return live.size;
}

const anySignal = (signals: Array<AbortSignal | undefined>): AbortSignal | undefined => {
  const s = signals.filter((x): x is AbortSignal => !!x);
  return s.length === 0 ? undefined : s.length === 1 ? s[0] : AbortSignal.any(s);
};

/**
 * Runs argv without a shell (execa: a deadline, a cancel signal, children killed when this process exits) and
 * resolves with its output, or rejects with an ExecError.
 */
const commandObservers = new Set<(argv: readonly string[]) => void>();

/** Calls fn with every command's argv before it runs (e.g. `--verbose` logging); returns the unsubscribe. */
export function observeCommands(fn: (argv: readonly string[]) => void): () => void {
  commandObservers.add(fn);
  return () => {
    commandObservers.delete(fn);
  };
}

export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  if (argv.length === 0) throw new Error('run: empty argv');
  for (const o of commandObservers) {
    try {
      o(argv);
    } catch {
      /* an observer never stops a command */
    }
  }
  const cancel = anySignal([opts.signal, currentCancelSignal()]);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (cancel?.aborted) {
    throw new ExecError({ argv, exitCode: null, signal: null, stdout: '', stderr: '', durationMs: 0, timedOut: false, canceled: true });
  }
  const child = execa(argv[0]!, argv.slice(1), {
    env: opts.env,
    extendEnv: true,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 1024 ** 3,
    encoding: 'utf8',
    timeout: timeoutMs,
    cancelSignal: cancel,
    forceKillAfterDelay: 3000,
    cleanup: true,
    ...(opts.inputFile ? { inputFile: opts.inputFile } : { input: opts.input ?? '' }),
  });
  live.add(child);
  if (opts.onStderr) child.stderr?.on('data', (b: Buffer) => opts.onStderr!(b.toString('utf8')));
  const r = await child.finally(() => live.delete(child));
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  const ok = opts.okExitCodes ?? [0];
  const spawnFailed = r.failed && r.exitCode === undefined && !r.signal && !r.timedOut && !r.isCanceled;
  if (r.exitCode !== undefined && ok.includes(r.exitCode) && !r.timedOut && !r.isCanceled) {
    return { argv, exitCode: r.exitCode, stdout, stderr, durationMs: Math.round(r.durationMs) };
  }
  throw new ExecError({
    argv,
    exitCode: r.exitCode ?? null,
    signal: r.signal ?? null,
    stdout,
    stderr,
    durationMs: Math.round(r.durationMs),
    timedOut: r.timedOut,
    canceled: r.isCanceled,
    timeoutMs,
    cause: spawnFailed ? (r.cause ?? new Error(r.shortMessage ?? 'spawn failed')) : undefined,
  });
}
