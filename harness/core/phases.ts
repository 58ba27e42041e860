/** The one phase timer: a drill's phases and restore-test's are timed, and their failures recorded, the same way. */

interface StepRecord {
  name: string;
  startMs: number;
  endMs: number;
  error?: string;
}
export interface PhaseRecord {
  name: string;
  recovery: boolean;
  startMs: number;
  endMs: number;
  durationMs: number;
  steps: StepRecord[];
}

/** Runs one step of a phase: when it started and ended, and its error when it threw (the error goes on). */
export type StepTimer = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/**
 * Runs `body` as a phase appended to `phases` (announced by `progress`), recording when it started and ended. A
 * step run through the timer it is given records its own times and error; when the phase throws and no step
 * recorded why, a step named after the phase carries the error. The error goes on to the caller.
 */
export async function timePhase<T>(
  phases: PhaseRecord[],
  name: string,
  recovery: boolean,
  progress: (m: string) => void,
  body: (step: StepTimer) => Promise<T>,
): Promise<T> {
  const p: PhaseRecord = { name, recovery, startMs: Date.now(), endMs: 0, durationMs: 0, steps: [] };
  phases.push(p);
  progress(`phase ${name}`);
  const step: StepTimer = async (stepName, fn) => {
    const rec: StepRecord = { name: stepName, startMs: Date.now(), endMs: 0 };
    p.steps.push(rec);
    progress(`  ${stepName}`);
    try {
      return await fn();
    } catch (e) {
      rec.error = errorText(e);
      throw e;
    } finally {
      rec.endMs = Date.now();
    }
  };
  try {
    return await body(step);
  } catch (e) {
    if (!p.steps.some((s) => s.error !== undefined)) p.steps.push({ name, startMs: p.startMs, endMs: Date.now(), error: errorText(e) });
    throw e;
  } finally {
    p.endMs = Date.now();
    p.durationMs = p.endMs - p.startMs;
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
