/**
 * Recovery objectives: what the business asks of a drill (RTO seconds, RPO in acknowledged writes and in seconds of
 * writes) and the judgement of the measured figures against them. A missed objective fails the drill.
 *
 * firedrill.config.json: `"objectives": { "default": { "rtoSeconds": 600 }, "pitr-accidental-drop": { "rtoSeconds": 120 } }`.
 * A drill's objective is the built-in default, overridden by the config's `default`, overridden by the drill's own
 * entry; `null` switches one objective off (it is then reported as "not set", never as met).
 */

import { OBJECTIVE_KEYS, type Objectives, type ObjectivesConfig } from '../runtime/objectives-config.js';

export type { Objectives, ObjectivesConfig };
export { parseObjectives } from '../runtime/objectives-config.js';

/**
 * Built-in objectives. No acknowledged write may be lost (what a replicated, backed-up database promises); recovery
 * within 15 minutes (a common tier-1 target; the drills here recover in seconds to a minute on a laptop). A drill whose
 * procedure loses data by design (restore without binlogs) has no built-in RPO objective: its own checks prove the
 * loss is measured exactly; give it one in the config (e.g. the backup interval in seconds).
 */
export const DEFAULT_OBJECTIVES: Objectives = { rtoSeconds: 900, rpoWrites: 0, rpoSeconds: 0 };

export interface ResolvedObjectives extends Objectives {
  /** Where each objective came from: 'built-in', 'config default', or 'config <drill>'. */
  source: Record<keyof Objectives, string>;
}

/** The objectives a drill is judged by: built-in, then the config's default, then the drill's own entry. */
export function objectivesFor(
  drill: string,
  opts: { expectsLoss?: boolean; noRecoveryPhase?: boolean; config?: ObjectivesConfig } = {},
): ResolvedObjectives {
  let builtIn: Objectives = opts.expectsLoss ? { ...DEFAULT_OBJECTIVES, rpoWrites: null, rpoSeconds: null } : DEFAULT_OBJECTIVES;
  // A drill without recovery phases measures no RTO: no RTO objective applies, unless its own entry sets one.
  if (opts.noRecoveryPhase) builtIn = { ...builtIn, rtoSeconds: null };
  const r: ResolvedObjectives = { ...builtIn, source: { rtoSeconds: 'built-in', rpoWrites: 'built-in', rpoSeconds: 'built-in' } };
  for (const [layer, label] of [
    [opts.config?.['default'], 'config default'],
    [opts.config?.[drill], `config ${drill}`],
  ] as const) {
    for (const k of OBJECTIVE_KEYS) {
      if (opts.noRecoveryPhase && k === 'rtoSeconds' && label === 'config default') continue;
      if (layer && k in layer) {
        r[k] = layer[k] ?? null;
        r.source[k] = label;
      }
    }
  }
  return r;
}

export interface ObjectiveJudgement {
  name: 'rto' | 'rpo-writes' | 'rpo-seconds';
  /** Target and measured value in the objective's unit (seconds or writes). */
  target: number | null;
  measured: number | null;
  unit: 's' | 'writes';
  /** true met, false missed (or not measured while a target is set), null: no target. */
  met: boolean | null;
  source: string;
}

export interface ObjectiveReport {
  objectives: ResolvedObjectives;
  judgements: ObjectiveJudgement[];
  /** false when any objective with a target was missed or could not be measured. */
  met: boolean;
}

/** Measured figures of a drill, as result.json carries them. */
export interface Measured {
  rtoMs: number | null;
  rpoWrites: number | null;
  rpoSeconds: number | null;
}

/**
 * Judges the measured figures against the objectives. A target with no measurement (the drill ended before recovery)
 * is missed: an objective is only met by a figure that was measured.
 */
export function judgeObjectives(o: ResolvedObjectives, m: Measured): ObjectiveReport {
  const one = (
    name: ObjectiveJudgement['name'],
    target: number | null,
    measured: number | null,
    unit: ObjectiveJudgement['unit'],
    source: string,
  ): ObjectiveJudgement => ({
    name,
    target,
    measured,
    unit,
    source,
    met: target === null ? null : measured !== null && measured <= target,
  });
  const judgements = [
    one('rto', o.rtoSeconds, m.rtoMs === null ? null : m.rtoMs / 1000, 's', o.source.rtoSeconds),
    one('rpo-writes', o.rpoWrites, m.rpoWrites, 'writes', o.source.rpoWrites),
    one('rpo-seconds', o.rpoSeconds, m.rpoSeconds, 's', o.source.rpoSeconds),
  ];
  return { objectives: o, judgements, met: judgements.every((j) => j.met !== false) };
}

/** "3.80 s ≤ 900 s: met" style text for summaries and consoles. */
export function describeJudgement(j: ObjectiveJudgement): string {
  const f = (v: number | null) => (v === null ? 'n/a' : j.unit === 's' ? `${+v.toFixed(2)} s` : `${v} writes`);
  if (j.target === null) return `${f(j.measured)} (no objective)`;
  return `${f(j.measured)} against ${f(j.target)}: ${j.met ? 'met' : 'MISSED'}`;
}
