/**
 * Why a run ended as it did, for machines (result.json's `cause`): the exit code follows from it, and so does who a
 * nightly job pages. 1: the system under test is at fault (a bad backup, a drill that found something); 2: the run
 * could not prove anything (bad input, the environment, firedrill itself); 130/143: a signal.
 */
import { UsageError } from '../core/index.js';
import {
  EnvironmentError,
  ExecError,
  HarnessError,
  InterruptedError,
  isInfrastructureError,
  signalExitCode,
  WaitTimeoutError,
} from '../exec/index.js';
import { NoEngineError } from '../runtime/docker.js';

type CauseKind = 'bad-input' | 'environment' | 'harness' | 'bad-backup' | 'drill-failed' | 'interrupted';

export interface Cause {
  kind: CauseKind;
  /** One line for people. */
  message: string;
}

/** The exit code of a cause (no cause: the run passed, 0). */
export function exitCodeOfCause(c: Cause | undefined, signal?: NodeJS.Signals): number {
  if (!c) return 0;
  if (c.kind === 'interrupted') return signalExitCode(signal ?? 'SIGINT');
  return c.kind === 'bad-backup' || c.kind === 'drill-failed' ? 1 : 2;
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/**
 * The cause of an error that stopped a run before it could judge anything: bad input (a UsageError); the environment
 * (no Docker engine, the engine gone, a disk full, a docker call or a wait past its deadline, a command that failed or could not
 * start); firedrill itself (a HarnessError, or any other error: a bug or a case it does not know).
 */
export function causeOfError(e: unknown, interrupted = false): Cause {
  const message = firstLine(e);
  if (interrupted || e instanceof InterruptedError) return { kind: 'interrupted', message };
  if (e instanceof NoEngineError) return { kind: 'environment', message };
  if (e instanceof UsageError) return { kind: 'bad-input', message };
  // a server that did not answer within the deadline (--timeout): the environment, not firedrill
  if (inChain(e, (x) => x instanceof EnvironmentError)) return { kind: 'environment', message };
  if (e instanceof HarnessError) return { kind: 'harness', message };
  if (isInfrastructureError(e) || inChain(e, (x) => x instanceof ExecError || x instanceof WaitTimeoutError))
    return { kind: 'environment', message };
  return { kind: 'harness', message };
}

function inChain(e: unknown, p: (x: unknown) => boolean): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) if (p(x)) return true;
  return false;
}
