import { ExecError } from './run.js';

/** A command's failure as the harness sees it (a docker control call that exited 1 unless told otherwise). */
export const execError = (p: Partial<ConstructorParameters<typeof ExecError>[0]> = {}) =>
  new ExecError({
    argv: ['docker', 'inspect', 'x'],
    exitCode: 1,
    signal: null,
    stdout: '',
    stderr: '',
    durationMs: 1,
    timedOut: false,
    ...p,
  });
