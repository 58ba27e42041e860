export { run, ExecError, formatArgv, observeCommands } from './run.js';
export type { RunOptions, RunResult } from './run.js';
export { waitUntil, WaitTimeoutError, withHeartbeat } from './wait.js';
export type { WaitOptions } from './wait.js';
export { spawnPiped } from './stream.js';
export type { PipedProcess } from './stream.js';
