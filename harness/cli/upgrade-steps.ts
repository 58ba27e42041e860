/**
 * The steps of a multi-step upgrade rehearsal, one pre-upgrade run each, in order: a step that is not the last writes
 * the data its upgraded node holds at its end to a private file, and the next step loads that file as its dataset.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UpgradeStep } from '../core/index.js';
import type { DrillResult } from '../report/index.js';
import type { GoNoGo } from '../verify/upgrade/index.js';
import { withoutOptions, type ServerConfig } from '../runtime/server-config.js';
import { exitCodeOf, observationName } from '../scenario/index.js';

/** One step's run: the step, and the drill result (its go/no-go in observations). */
export interface StepRun extends UpgradeStep {
  result: DrillResult;
}

/**
 * Runs one step: `carryTo` is where to write the data for the next step (absent: the last step); `dataset` the
 * previous step's carried data and `before` that step's run (both absent: the first step, on the user's dataset).
 */
export type RunStep = (
  step: UpgradeStep,
  carryTo: string | undefined,
  dataset: string | undefined,
  before?: StepRun,
) => Promise<DrillResult>;

/**
 * Runs the steps in order. A step that could not run (exit 2) or wrote no data for the next ends the series: the steps
 * after it are not run. A no-go step (exit 1) does not: the next step still shows its own findings.
 */
export async function runSteps(steps: readonly UpgradeStep[], runStep: RunStep): Promise<StepRun[]> {
  const work = steps.length > 1 ? await mkdtemp(join(tmpdir(), 'firedrill-upgrade-path-')) : undefined; // 0700
  const done: StepRun[] = [];
  try {
    let dataset: string | undefined;
    for (const [i, st] of steps.entries()) {
      const carryTo = work && i < steps.length - 1 ? join(work, `data-for-${st.to}.sql`) : undefined;
      const result = await runStep(st, carryTo, dataset, done.at(-1));
      done.push({ ...st, result });
      if (exitCodeOf(result) === 2 || (carryTo && !existsSync(carryTo))) break;
      dataset = carryTo;
    }
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }
  return done;
}

/**
 * The exit code of a series: the worst step's; a series that ended early is 2 (could not run) unless a step it ran is
 * already a no-go (1: the steps after a failed one cannot change that verdict).
 */
export function stepsExitCode(done: readonly StepRun[], planned: number): number {
  const codes = done.map((d) => exitCodeOf(d.result));
  return Math.max(0, ...codes, done.length < planned && !codes.includes(1) ? 2 : 0);
}

/**
 * The user's option file as the next step's old version runs it, as a DBA leaves it after acting on the step before:
 * without the options that step's target refused (its nodes could not start with them) or ignored (it said to remove
 * them), each commented out saying why. The next step judges this file, so each finding is reported once, by its step.
 */
export function configAfter(before: StepRun, sc: ServerConfig | undefined): ServerConfig | undefined {
  if (!sc) return sc;
  const g = before.result.observations[observationName.goNoGo] as GoNoGo | undefined;
  let cfg = sc;
  for (const effect of ['refused', 'ignored'] as const) {
    const names = (g?.findings ?? [])
      .filter((f) => f.source === 'incompatibility' && f.kind === `option-${effect}` && f.evidence?.['file'] === sc.path)
      .map((f) => String(f.evidence?.['option']));
    cfg = withoutOptions(
      cfg,
      names,
      `${before.to} ${effect === 'refused' ? 'refuses' : 'ignores'} it (step ${before.from} -> ${before.to})`,
    ).cfg;
  }
  return cfg;
}
