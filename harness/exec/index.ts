export {
  run,
  ExecError,
  withCancelScope,
  commandsSettled,
  outsideCancelScope,
  DEFAULT_TIMEOUT_MS,
  observeCommands,
} from './run.js';
export type { RunOptions, RunResult } from './run.js';
export { waitUntil, WaitTimeoutError, withHeartbeat } from './wait.js';
export { EnvironmentError, HarnessError, InterruptedError, isInfrastructureError, signalExitCode } from './errors.js';
export { spawnPiped } from './stream.js';
export type { PipedProcess } from './stream.js';
