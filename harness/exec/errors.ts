import { ExecError } from './run.js';
import { WaitTimeoutError } from './wait.js';

/**
 * The harness itself could not do its job (engine gone, disk full, a leftover it could not remove, its own deadline):
 * the drill's verdict is "error" (exit 2, could not run), never "fail" (exit 1: the drill ran and found a problem).
 */
export class HarnessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
  }
}

/**
 * The environment firedrill depends on did not do its part (a server past the run's deadline, `--timeout`): exit 2 with
 * cause "environment", never "harness" (a bug of firedrill's) and never "fail".
 */
export class EnvironmentError extends HarnessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnvironmentError';
  }
}

/** The run was interrupted by a signal: what follows is teardown, and the verdict is "interrupted". */
export class InterruptedError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
  }
}

/** Exit code of a process ended by a signal, as shells report it: 128 + the signal number. */
export const signalExitCode = (s: NodeJS.Signals): number => (s === 'SIGINT' ? 130 : s === 'SIGTERM' ? 143 : s === 'SIGHUP' ? 129 : 1);

const ENGINE_GONE =
  /Cannot connect to the Docker daemon|Is the docker daemon running|docker: not found|error during connect|dial unix .*docker\.sock/i;
const DISK_FULL = /no space left on device|ENOSPC|disk quota exceeded|EDQUOT/i;

/**
 * True when an error is the harness's infrastructure failing rather than the system under test: the Docker engine
 * gone, a disk full, a docker control call (inspect, rm, network, ...) past its deadline, or a HarnessError.
 */
export function isInfrastructureError(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    if (x instanceof HarnessError) return true;
    const code = (x as { code?: string }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EMFILE' || code === 'ENFILE') return true;
    if (x instanceof ExecError) {
      if (ENGINE_GONE.test(x.stderrTail) || ENGINE_GONE.test(x.message) || DISK_FULL.test(x.stderrTail)) return true;
      if (x.argv[0] === 'docker' && x.timedOut && !['exec', 'run', 'cp', 'wait', 'stop'].includes(x.argv[1] ?? '')) return true;
      if (x.exitCode === null && x.cause !== undefined) return true; // a program that could not start
    }
    if (x instanceof Error && !(x instanceof WaitTimeoutError) && DISK_FULL.test(x.message)) return true;
  }
  return false;
}
