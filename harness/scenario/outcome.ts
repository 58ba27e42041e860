/** How a drill ended, as a user reads it: the verdict of an early end, its cause, the exit code, an error result. */
import { join } from 'node:path';
import { UsageError, type FlavorId } from '../core/index.js';
import { InterruptedError, isInfrastructureError, signalExitCode } from '../exec/index.js';
import { causeOfError, rtoOf, unmeasuredRpo, type Cause, type DrillResult, type Verdict } from '../report/index.js';
import { reportsDir } from '../runtime/paths.js';
import type { ScenarioDefinition } from './types.js';

/** The exit code a verdict gives: 0 pass, 1 fail, 2 could not run, 128+signal when interrupted. */
export function exitCodeOf(r: Pick<DrillResult, 'verdict'>, signal?: NodeJS.Signals): number {
  return r.verdict === 'pass' ? 0 : r.verdict === 'fail' ? 1 : r.verdict === 'error' ? 2 : signalExitCode(signal ?? 'SIGINT');
}

/** The cause of an error that ended a drill early, given the verdict classifyFailure gave it. */
export function causeOfFailure(e: unknown, verdict: Verdict): Cause {
  if (verdict === 'fail') return { kind: 'drill-failed', message: (e instanceof Error ? e.message : String(e)).split('\n')[0]! };
  return causeOfError(e, verdict === 'interrupted');
}

/**
 * Why a drill ended early: interrupted (a signal); error (bad input found late, the harness's infrastructure failed,
 * or the topology could not be set up: the drill never ran); fail (a step of the drill itself failed).
 */
export function classifyFailure(e: unknown, phase: string | undefined, interrupted: boolean): Verdict {
  if (interrupted || e instanceof InterruptedError) return 'interrupted';
  if (e instanceof UsageError || isInfrastructureError(e)) return 'error';
  if (phase === undefined || phase === 'setup') return 'error';
  return 'fail';
}

/** A drill's result before anything was measured: no phase, no check, no fault, RTO and RPO not measured. */
export function emptyResult(
  def: Pick<ScenarioDefinition, 'id' | 'description' | 'rpoNode'>,
  flavor: FlavorId,
  runId: string,
  p: { verdict: Verdict; startedAt: string; params?: DrillResult['params'] },
): DrillResult {
  return {
    runId,
    scenario: def.id,
    description: def.description,
    flavor,
    verdict: p.verdict,
    startedAt: p.startedAt,
    endedAt: p.startedAt,
    durationMs: 0,
    params: p.params ?? {},
    phases: [],
    rto: rtoOf([]),
    rpo: unmeasuredRpo(def.rpoNode),
    checks: [],
    faults: [],
    observations: {},
    reportDir: join(reportsDir, runId),
  };
}

/** The result of a drill that ended before it began (its report still says why). */
export function errorResult(
  def: Pick<ScenarioDefinition, 'id' | 'description' | 'rpoNode'>,
  flavor: FlavorId,
  runId: string,
  error: unknown,
  verdict: Verdict = 'error',
): DrillResult {
  return {
    ...emptyResult(def, flavor, runId, { verdict, startedAt: new Date().toISOString() }),
    cause: causeOfError(error, verdict === 'interrupted'),
    error: error instanceof Error ? error.message : String(error),
  };
}
