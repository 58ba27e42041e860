/**
 * The evidence a drill leaves: its result with provenance and objectives, and the list of judgements (every phase,
 * every check, every objective, the drill's error, "no checks ran", the verdict) that JUnit, Allure, the summary and
 * the HTML report all show the same way. A failure is a failing judgement everywhere: nothing can read green when the
 * verdict is not pass.
 */
import type { DrillResult } from './result.js';
import { outcomeOf } from '../verify/index.js';
import { judgeObjectives, objectivesFor, type ObjectiveJudgement, type ObjectiveReport } from './objectives.js';

/** result.json (older files lack provenance and objectives: they are optional). */
export type EvidenceResult = DrillResult;

export interface Judgement {
  /** Stable id (JUnit testcase name, Allure step name). */
  name: string;
  group: 'phase' | 'check' | 'objective' | 'drill';
  ok: boolean;
  startMs?: number;
  endMs?: number;
  /** One line for people. */
  message: string;
  details?: unknown;
  /** An error (the drill could not go on) rather than a failed assertion. */
  error?: boolean;
  /** A check that did not run (ok is false: it never reads passed), or one a declared limit made meaningless (ok). */
  skip?: 'skipped' | 'not-applicable';
}

/** The objective report of a result: the one it carries, or the built-in objectives judged now (older results). */
export function objectiveReportOf(r: EvidenceResult): ObjectiveReport {
  return (
    r.objectives ??
    judgeObjectives(objectivesFor(r.scenario, { expectsLoss: r.rpo.notApplicable }), {
      rtoMs: r.rto.ms,
      rpoWrites: r.rpo.lostAcknowledgedWrites,
      rpoSeconds: r.rpo.seconds,
    })
  );
}

const OBJ_LABEL: Record<ObjectiveJudgement['name'], string> = {
  rto: 'RTO',
  'rpo-writes': 'RPO (acknowledged writes lost)',
  'rpo-seconds': 'RPO (seconds of writes lost)',
};

export function objectiveLabel(j: ObjectiveJudgement): string {
  return OBJ_LABEL[j.name];
}

function objectiveJudgement(j: ObjectiveJudgement, r: EvidenceResult): Judgement {
  const fmt = (v: number | null) => (v === null ? 'not measured' : j.unit === 's' ? `${+v.toFixed(3)} s` : `${v} writes`);
  const where = j.name === 'rto' ? `sum of recovery phases ${Object.keys(r.rto.phases).join(' + ') || '(none ran)'}` : `on ${r.rpo.node}`;
  if (j.name !== 'rto' && j.target === null && r.rpo.notApplicable)
    return {
      name: `objective ${j.name}`,
      group: 'objective',
      ok: true,
      skip: 'not-applicable',
      message: `${OBJ_LABEL[j.name]} not applicable: ${r.rpo.method}`,
      details: { ...j },
    };
  // With no target, the figure must still have been measured: an RPO that was never measured is not a pass.
  const ok = j.target === null ? j.measured !== null || j.name === 'rto' : j.met === true;
  const message =
    j.target === null
      ? `${OBJ_LABEL[j.name]} ${fmt(j.measured)} (${where}; no objective set)`
      : `${OBJ_LABEL[j.name]} ${fmt(j.measured)} against objective ${fmt(j.target)} (${j.source}; ${where}): ${j.met ? 'met' : 'MISSED'}`;
  return { name: `objective ${j.name}`, group: 'objective', ok, message, details: { ...j } };
}

/** Every judgement of a drill, in the order a reader follows it. */
export function judgementsOf(r: EvidenceResult): Judgement[] {
  const out: Judgement[] = [];
  for (const p of r.phases) {
    const failed = p.steps.filter((s) => s.error);
    out.push({
      name: `phase ${p.name}`,
      group: 'phase',
      ok: failed.length === 0,
      startMs: p.startMs,
      endMs: p.endMs,
      error: failed.length > 0,
      message: failed.length
        ? `step failed: ${failed.map((s) => `${s.name}: ${s.error}`).join('; ')}`
        : `${p.steps.length} step(s) in ${(p.durationMs / 1000).toFixed(2)} s${p.recovery ? ' (recovery: counts toward the RTO)' : ''}`,
      details: { recovery: p.recovery, steps: p.steps },
    });
  }
  for (const c of r.checks) {
    const outcome = outcomeOf(c);
    out.push({
      name: `check ${c.name}`,
      group: 'check',
      ok: outcome === 'passed' || outcome === 'not-applicable',
      message:
        outcome === 'passed'
          ? 'passed'
          : outcome === 'failed'
            ? checkFailureLine(c.details)
            : `${outcome === 'skipped' ? 'skipped (did not run)' : 'not applicable'}: ${c.reason ?? 'no reason given'}`,
      details: c.details,
      ...(c.status ? { skip: c.status } : {}),
    });
  }
  if (!r.checks.some((c) => !c.status))
    out.push({ name: 'checks ran', group: 'drill', ok: false, message: 'no check ran: a drill that proves nothing fails' });
  for (const j of objectiveReportOf(r).judgements) out.push(objectiveJudgement(j, r));
  if (r.error)
    out.push({
      name: 'drill completed',
      group: 'drill',
      ok: false,
      error: true,
      message: `drill did not complete (${r.verdict})`,
      details: { error: r.error },
    });
  if (r.teardownFailures?.length)
    out.push({
      name: 'teardown',
      group: 'drill',
      ok: false,
      error: true,
      message: `teardown left something behind: ${r.teardownFailures.join('; ')}`,
      details: { teardownFailures: r.teardownFailures },
    });
  const allOk = out.every((j) => j.ok);
  // The verdict is its own testcase: whatever made it fail (an interruption, a teardown), it never reads green.
  out.push({
    name: 'verdict',
    group: 'drill',
    ok: r.verdict === 'pass',
    message:
      r.verdict === 'pass'
        ? 'pass'
        : `${r.verdict}${r.cause ? ` (${r.cause.kind}: ${r.cause.message})` : allOk ? ' (see the drill log)' : ''}`,
  });
  return out;
}

function checkFailureLine(details: Record<string, unknown>): string {
  const n = details['differenceCount'];
  const diffs = details['differences'];
  if (typeof n === 'number' && Array.isArray(diffs) && diffs.length) {
    const d = diffs[0] as Record<string, unknown>;
    return `${n} difference(s), first: ${[d['database'], d['object']].filter(Boolean).join('.')} ${d['kind'] ?? ''}`.trim();
  }
  if (details['error']) return String(details['error']).split('\n')[0]!;
  return JSON.stringify(details).slice(0, 200);
}
