import { isInfrastructureError, WaitTimeoutError } from '../exec/index.js';
import type { DrillResult } from '../report/index.js';
import { ServerExitedError } from '../runtime/index.js';

/**
 * Who a failed attempt accuses. database: the database broke an invariant or did not come back from a fault (exit
 * 1, shrunk); harness: firedrill's own machinery failed (exit 2, never shrunk as a database failure); model: the
 * real topology was not in the state the chaos model said, so a command was drawn whose precondition did not hold
 * (exit 2: the model is wrong, not the database).
 */
export type ViolationClass = 'database' | 'harness' | 'model';

/** A failed attempt, classified, with its evidence (kept in the drill's result.json and in chaos.json). */
export interface Violation {
  class: ViolationClass;
  /** The command (1-based) it showed after; absent for the warm-up and the drill's end. */
  command?: number;
  /** One line: what went wrong. */
  what: string;
  evidence: Record<string, unknown>;
}

/** The observation a chaos drill records its violation under (result.json `observations`). */
export const VIOLATION_OBSERVATION = 'chaos-violation';

/** Invariants failed after a command: a database finding, with the failed checks as evidence. */
export class InvariantViolation extends Error {
  constructor(
    message: string,
    readonly failed: ReadonlyArray<{ name: string; details?: unknown }>,
  ) {
    super(message);
    this.name = 'InvariantViolation';
  }
}

/** The real topology is not in the state the model says before a command: a model error. */
export class ModelMismatch extends Error {
  constructor(
    message: string,
    readonly seen: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ModelMismatch';
  }
}

/**
 * The class of an error a chaos drill's step threw. A server that exited or a wait for the database's state that
 * ran out (a replica that never resumed, a member that never became Synced) accuse the database; the engine, a
 * docker call or any other failure of firedrill's own steps accuse the harness.
 */
export function classifyError(e: unknown): ViolationClass {
  if (e instanceof InvariantViolation) return 'database';
  if (e instanceof ModelMismatch) return 'model';
  if (isInfrastructureError(e)) return 'harness';
  if (e instanceof ServerExitedError || e instanceof WaitTimeoutError) return 'database';
  return 'harness';
}

/** The violation a step's error stands for, with its evidence. */
export function violationOf(e: unknown, command: number | undefined, stepName: string): Violation {
  const message = e instanceof Error ? e.message : String(e);
  const evidence: Record<string, unknown> = { step: stepName, error: message };
  if (e instanceof InvariantViolation) evidence['failedChecks'] = e.failed;
  if (e instanceof ModelMismatch) evidence['seen'] = e.seen;
  if (e instanceof WaitTimeoutError) evidence['lastValue'] = e.lastValue;
  return { class: classifyError(e), ...(command !== undefined ? { command } : {}), what: message.split('\n')[0]!, evidence };
}

/**
 * The violation a finished chaos drill shows, or undefined when it passed. The drill's own record comes first; a
 * drill that could not run accuses the harness; failed checks or lost writes at the drill's end accuse the database.
 */
export function drillViolation(
  r: Pick<DrillResult, 'verdict' | 'error' | 'observations' | 'checks' | 'rpo' | 'objectives' | 'reportDir'>,
): Violation | undefined {
  if (r.verdict === 'pass') return undefined;
  const recorded = r.observations[VIOLATION_OBSERVATION] as Violation | undefined;
  if (recorded && r.verdict === 'fail') return recorded;
  if (r.verdict !== 'fail' || r.error)
    return {
      class: 'harness',
      what: `the drill ${r.verdict === 'fail' ? 'failed' : 'could not run'}: ${r.error ?? 'see its report'}`,
      evidence: { verdict: r.verdict, error: r.error, reportDir: r.reportDir },
    };
  const failedChecks = r.checks.filter((c) => !c.valid).map((c) => c.name);
  const missed = (r.objectives?.judgements ?? []).filter((o) => o.met === false).map((o) => o.name);
  const parts = [
    failedChecks.length ? `failed checks ${failedChecks.join(', ')}` : '',
    r.rpo.lostAcknowledgedWrites ? `${r.rpo.lostAcknowledgedWrites} acknowledged writes lost` : '',
    missed.length ? `objectives missed ${missed.join(', ')}` : '',
  ].filter(Boolean);
  return {
    class: 'database',
    what: `at the drill's end: ${parts.join('; ') || 'the drill failed without a failed check'}`,
    evidence: { failedChecks, lostAcknowledgedWrites: r.rpo.lostAcknowledgedWrites, objectivesMissed: missed, reportDir: r.reportDir },
  };
}
