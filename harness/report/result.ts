import type { DatasetInfo } from '../workload/index.js';
import type { FlavorId, PhaseRecord } from '../core/index.js';
import type { FaultRecord } from '../faults/index.js';
import type { CheckResult, LedgerVerdict } from '../verify/index.js';
import type { LedgerSummary } from '../workload/index.js';
import type { Cause } from './cause.js';
import type { ObjectiveReport } from './objectives.js';
import type { Provenance } from './provenance.js';

export type { PhaseRecord } from '../core/index.js';

export interface Rto {
  ms: number | null;
  method: string;
  phases: Record<string, number>;
}
export interface Rpo {
  lostAcknowledgedWrites: number | null;
  seconds: number | null;
  node: string;
  indeterminate: number;
  method: string;
  /**
   * The method keeps no write ledger (a restore test of one backup): the RPO is not measured by design, and its
   * objectives are reported as not applicable (never as met, never as missed), unless the user set one.
   */
  notApplicable?: boolean;
}

/**
 * pass; fail: the drill ran and found something wrong; error: it could not run (bad input, the harness or its
 * infrastructure failed: see `error`); interrupted: a signal ended it (the report is written after teardown).
 */
export type Verdict = 'pass' | 'fail' | 'error' | 'interrupted';

/** What one drill did and proved: result.json. */
export interface DrillResult {
  runId: string;
  scenario: string;
  description: string;
  flavor: FlavorId;
  verdict: Verdict;
  /** Why it did not pass, for machines (absent on a pass): the kind decides the exit code (see cause.ts). */
  cause?: Cause;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  params: Readonly<Record<string, number | string>>;
  /** The data the drill ran on: name, kind, source (no password), databases, sizes, load time (own-data). */
  dataset?: DatasetInfo;
  /**
   * `--server-config`: the file; per node the user's options the topology overrode, and the values the node's
   * server reported for the file's options that are variables, read back once it was up (own-data).
   */
  serverConfig?: {
    path: string;
    overrides: Record<string, Array<{ option: string; yours: string; ours: string; why: string }>>;
    applied: Record<string, Record<string, string>>;
  };
  phases: PhaseRecord[];
  rto: Rto;
  rpo: Rpo;
  checks: CheckResult[];
  faults: FaultRecord[];
  observations: Record<string, unknown>;
  ledger?: LedgerSummary;
  error?: string;
  reportDir: string;
  teardownFailures?: string[];
  /** Written after the run's teardown ended (the command line's final report); absent in the report a drill writes
   * before its teardown, which `firedrill clean` replaces when the process was killed before the teardown ended. */
  tornDown?: true;
  /** What was tested with what (absent in results written before firedrill recorded it). */
  provenance?: Provenance;
  /** The recovery objectives and the measured figures judged against them (absent in older results). */
  objectives?: ObjectiveReport;
  /** The run's log (drill.log), relative to the report folder. */
  logFile?: string;
}

const RTO_METHOD = "sum of the recovery phases' wall-clock durations (measured)";
const RPO_METHOD = 'acknowledged writes in the client ledger missing on the recovered node at the end of the drill';

/** The RPO before it is measured: unknown (null) until the ledger has been judged on `node`. */
export const unmeasuredRpo = (node: string): Rpo => ({
  lostAcknowledgedWrites: null,
  seconds: null,
  node,
  indeterminate: 0,
  method: RPO_METHOD,
});

/**
 * The RPO from the ledger verdicts of every workload on `node`: the acknowledged writes it lacks, the seconds of
 * writes they span, the writes whose outcome the client could not know. With a recovery `point` (a point-in-time
 * recovery stops there on purpose) the verdicts count only writes acknowledged before it, and the method says so.
 */
export function rpoOf(node: string, verdicts: readonly LedgerVerdict[], point?: number): Rpo {
  const method =
    point === undefined
      ? RPO_METHOD
      : `${RPO_METHOD}, acknowledged before the recovery target (${new Date(point).toISOString()}): the point-in-time recovery stops there on purpose`;
  return {
    lostAcknowledgedWrites: verdicts.reduce((n, v) => n + v.lost.length, 0),
    seconds: verdicts.reduce((m, v) => Math.max(m, v.lostSeconds), 0),
    node,
    indeterminate: verdicts.reduce((n, v) => n + v.indeterminatePresent + v.indeterminateAbsent, 0),
    method,
  };
}

/** RTO: the sum of the recovery phases' measured durations, each also reported on its own (null: no recovery phase). */
export function rtoOf(phases: readonly PhaseRecord[]): Rto {
  const rec = phases.filter((p) => p.recovery);
  if (!rec.length) return { ms: null, method: RTO_METHOD, phases: {} };
  return {
    ms: rec.reduce((s, p) => s + p.durationMs, 0),
    method: RTO_METHOD,
    phases: Object.fromEntries(rec.map((p) => [p.name, p.durationMs])),
  };
}

/**
 * Pass when the drill ran to its end, ran at least one check, every check holds (a skipped check does not: it did
 * not run; one not applicable is said before the run and counts for nothing), no acknowledged write was lost (with
 * `expectsLoss`, when the loss was measured: the drill's own checks judge whether it was measured exactly), and every
 * recovery objective with a target was met (a missed objective fails the drill).
 */
export function verdictOf(r: Pick<DrillResult, 'error' | 'checks' | 'rpo' | 'objectives'>, expectsLoss: boolean): 'pass' | 'fail' {
  return failureReasons(r, expectsLoss).length ? 'fail' : 'pass';
}

/** Why a run that ran to its judgement did not pass, one phrase each (none: it passed). */
function failureReasons(r: Pick<DrillResult, 'error' | 'checks' | 'rpo' | 'objectives'>, expectsLoss: boolean | null): string[] {
  const out: string[] = [];
  if (r.error) out.push(r.error.split('\n')[0]!);
  if (!r.checks.some((c) => !c.status)) out.push('no check ran');
  const failed = r.checks.filter((c) => !c.valid && !c.status).map((c) => c.name);
  if (failed.length) out.push(`check(s) failed: ${failed.join(', ')}`);
  for (const c of r.checks.filter((x) => x.status === 'skipped')) out.push(`check ${c.name} did not run: ${c.reason ?? 'no reason given'}`);
  if (expectsLoss !== null) {
    const rpoOk = expectsLoss ? r.rpo.lostAcknowledgedWrites !== null : r.rpo.lostAcknowledgedWrites === 0;
    if (!rpoOk)
      out.push(
        r.rpo.lostAcknowledgedWrites === null
          ? 'the RPO was not measured'
          : `${r.rpo.lostAcknowledgedWrites} acknowledged write(s) lost on ${r.rpo.node}`,
      );
  }
  if (r.objectives && !r.objectives.met) out.push('a recovery objective was missed');
  return out;
}

/** The cause of a judged run that did not pass: what its failure says of the system under test (exit 1). */
export function failureCause(
  r: Pick<DrillResult, 'error' | 'checks' | 'rpo' | 'objectives'>,
  expectsLoss: boolean | null,
  kind: 'drill-failed' | 'bad-backup' = 'drill-failed',
): Cause | undefined {
  const reasons = failureReasons(r, expectsLoss);
  return reasons.length ? { kind, message: reasons.join('; ') } : undefined;
}
