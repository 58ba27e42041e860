import { randomInt } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CHAOS_TOPOLOGIES,
  SHAPES,
  chaosScenario,
  describeCommand,
  faultCommands,
  drillViolation,
  parseReplay,
  searchSchedules,
  writeScenarioFile,
  type AttemptOutcome,
  type ChaosCommand,
  type ChaosTopology,
  type SearchResult,
} from '../chaos/index.js';
import { FLAVORS, UsageError, type FlavorId } from '../core/index.js';
import { newRunId } from '../runtime/index.js';
import { reportsDir } from '../runtime/paths.js';
import type { DrillResult } from '../report/index.js';
import { planDrill, type ScenarioDefinition } from '../scenario/index.js';
import {
  err,
  flavorOption,
  JSON_OPTION,
  listOption,
  out,
  parseDurationWith,
  parseOptions,
  printHelp,
  progressLine,
  wholeNumber,
} from './options.js';

export const HELP_CHAOS = `usage: firedrill chaos --topology primary-replicas|multi-source|galera [--flavor F] [--seed S] [--steps N]
                      [--runs N] [--budget 10m] [--faults ${faultCommands().join(',')}] [--replay SEED:PATH] [--json]

Generative chaos: fast-check draws schedules of commands (the faults of the registry: ${faultCommands().join(', ')};
backups, restores of lost nodes, bursts of writes) from the seed; the model of the topology keeps only the commands
whose precondition its state meets, and the drill checks the real topology against the model before each. Every
schedule runs as a drill under the ledgered workload, from a fresh topology to teardown, and after every command
the invariants must hold (replicas converge and equal their source, the ledger holds on every node, no errant
GTIDs, a restored node equals its artifact's snapshot). The first violation stops that drill with its evidence; the
schedule is then shrunk (each candidate is a whole drill again) to the smallest that still fails, written out as a
scenario file that \`firedrill run FILE\` replays, and printed as SEED:PATH for \`--replay\`.
  --seed S        the seed (default: random, printed)       --steps N   most commands per schedule (default 6)
  --runs N        schedules to try (default 10)             --budget D  stop after D (e.g. 90s, 10m, 1h; default 10m)
  --faults LIST   the fault kinds allowed (default: every kind the topology takes)
  --replay S:P    run exactly the schedule a failed run printed
Writes reports/chaos-<id>/chaos.json (seed, every attempt with its report folder, the minimal schedule) and, on a
failure, the scenario file beside it. A violation is classified: a database finding (an invariant broken, a node that did not come back; exit 1, shrunk),
a harness error (firedrill's own machinery failed) or a model error (the topology was not in the state the model
said): exit 2, not shrunk, with the evidence in chaos.json. Exit 0 no invariant violated. When the budget runs out,
the running drill is stopped and torn down first; if no drill ended by then, nothing was judged: exit 2.`;

const parseBudget = (s: string): number =>
  parseDurationWith(s, { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }, 's', (t) => `bad duration '${t}' (e.g. 90s, 10m, 1h)`);

function parseFaults(s: string | undefined, topology: ChaosTopology): string[] | undefined {
  const list = listOption(s);
  if (!list) return undefined;
  const known = faultCommands();
  const takes = faultCommands(topology);
  for (const f of list) {
    if (!known.includes(f)) throw new UsageError(`unknown chaos fault '${f}' (known: ${known.join(', ')})`);
    if (!takes.includes(f)) throw new UsageError(`fault '${f}' does not apply to ${topology} (it takes: ${takes.join(', ')})`);
  }
  return list;
}

/**
 * The CLI's drill runner (main.ts's `drill`: lease, signals, teardown to the end, report written after it), passed
 * in so that this file does not import main.ts. `stop` aborted: the drill is interrupted, torn down, and resolves
 * with verdict "interrupted".
 */
export type RunDrill = (def: ScenarioDefinition, flavor: FlavorId, label: string, stop?: AbortSignal) => Promise<DrillResult>;

/** One schedule as one drill; its outcome carries the violation, classified, with its evidence. */
async function attemptDrill(
  id: string,
  topology: ChaosTopology,
  flavorId: FlavorId,
  commands: readonly ChaosCommand[],
  runDrill: RunDrill,
  label: string,
  seed: number,
  stop: AbortSignal,
): Promise<AttemptOutcome> {
  // the seed is in each drill's description, so its result.json and the HTML report say where it came from
  const r = await runDrill(chaosScenario({ id, topology, commands, flavors: [flavorId], origin: { seed } }), flavorId, label, stop);
  if (r.verdict === 'interrupted') return { pass: false, interrupted: true, reportDir: r.reportDir };
  const violation = drillViolation(r);
  if (!violation) return { pass: true, reportDir: r.reportDir };
  return {
    pass: false,
    violation,
    failedAt: violation.class === 'database' && violation.command !== undefined ? violation.command - 1 : undefined,
    reportDir: r.reportDir,
  };
}

export async function cmdChaos(args: string[], deps: { runDrill: RunDrill }): Promise<number> {
  const { values } = parseOptions(
    args,
    {
      topology: { type: 'string' },
      flavor: { type: 'string' },
      seed: { type: 'string' },
      steps: { type: 'string' },
      runs: { type: 'string' },
      budget: { type: 'string' },
      faults: { type: 'string' },
      replay: { type: 'string' },
      ...JSON_OPTION,
    },
    false,
  );
  if (values.help) return printHelp(HELP_CHAOS);
  const topology = values.topology as ChaosTopology | undefined;
  if (!topology || !CHAOS_TOPOLOGIES.includes(topology)) throw new UsageError(`chaos needs --topology ${CHAOS_TOPOLOGIES.join('|')}`);
  const flavorId = flavorOption(values.flavor).id;
  if (topology === 'galera' && FLAVORS[flavorId].family !== 'mariadb')
    throw new UsageError(`galera runs on MariaDB flavors only, not ${flavorId}`);
  const replay = values.replay
    ? (() => {
        try {
          return parseReplay(values.replay);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      })()
    : undefined;
  const seed = replay?.seed ?? wholeNumber('seed', values.seed, true) ?? randomInt(1, 2 ** 31 - 1);
  const steps = wholeNumber('steps', values.steps, true) ?? 6;
  const runs = wholeNumber('runs', values.runs, true) ?? 10;
  if (steps < 1 || runs < 1) throw new UsageError('--steps and --runs must be at least 1');
  const budgetMs = parseBudget(values.budget ?? '10m');
  const faults = parseFaults(values.faults, topology);
  // engine, image and flavor are checked once before the first drill (bad input: exit 2, nothing started)
  await planDrill(chaosScenario({ id: 'chaos-check', topology, commands: [], flavors: [flavorId] }), flavorId, {}, err);

  const id = `chaos-${newRunId()}`;
  const dir = join(reportsDir, id);
  await mkdir(dir, { recursive: true });
  const log = progressLine;
  log(
    `chaos ${id}: ${topology} on ${flavorId}, seed ${seed}${replay ? `, replaying path ${replay.path}` : ''}, up to ${steps} commands, ${runs} schedules, budget ${budgetMs / 1000} s`,
  );
  const result: SearchResult = await searchSchedules({
    shape: SHAPES[topology],
    seed,
    steps,
    runs,
    budgetMs,
    faults,
    path: replay?.path,
    progress: (m) => log(m),
    attempt: (commands, info) =>
      attemptDrill(
        `${id}-a${info.attempt}`,
        topology,
        flavorId,
        commands,
        deps.runDrill,
        `attempt ${info.attempt}${info.shrinking ? ' (shrinking)' : ''}`,
        seed,
        info.stop,
      ),
  });

  let scenarioFile: string | undefined;
  if (result.minimal) {
    scenarioFile = await writeScenarioFile(join(dir, `chaos-${seed}.ts`), {
      id: `chaos-${seed}`,
      topology,
      flavors: [flavorId],
      commands: result.minimal.commands,
      origin: { seed, path: result.minimal.path, shrunkFrom: result.firstFailure?.commands.length },
    });
  }
  // a budget that ran out before any drill ended judged nothing: that is not a pass (exit 2)
  const judged = result.attempts.filter((a) => !a.outcome.interrupted).length;
  const nothingJudged = result.verdict === 'pass' && judged === 0;
  const summary = {
    id,
    topology,
    flavor: flavorId,
    seed,
    steps,
    runs,
    budgetMs,
    faults: faults ?? 'all',
    replay: values.replay ?? null,
    verdict: nothingJudged ? 'not judged' : result.verdict,
    interrupted: result.interrupted,
    judged,
    durationMs: result.durationMs,
    attempts: result.attempts.map((a) => ({
      attempt: a.attempt,
      shrinking: a.shrinking,
      commands: a.commands,
      pass: a.outcome.pass,
      ...(a.outcome.interrupted ? { interrupted: true } : {}),
      failedAt: a.outcome.failedAt,
      class: a.outcome.violation?.class,
      reason: a.outcome.violation?.what,
      evidence: a.outcome.violation?.evidence,
      reportDir: a.outcome.reportDir,
    })),
    firstFailure: result.firstFailure
      ? {
          attempt: result.firstFailure.attempt,
          commands: result.firstFailure.commands,
          reason: result.firstFailure.outcome.violation?.what,
        }
      : null,
    error: result.error
      ? {
          attempt: result.error.attempt,
          class: result.error.outcome.violation?.class,
          commands: result.error.commands,
          reason: result.error.outcome.violation?.what,
          evidence: result.error.outcome.violation?.evidence,
          reportDir: result.error.outcome.reportDir,
        }
      : null,
    minimal: result.minimal
      ? {
          attempt: result.minimal.attempt,
          commands: result.minimal.commands,
          reason: result.minimal.outcome.violation?.what,
          replay: `${seed}:${result.minimal.path}`,
          scenarioFile,
        }
      : null,
  };
  await writeFile(join(dir, 'chaos.json'), `${JSON.stringify(summary, null, 2)}\n`);
  if (values.json) out(JSON.stringify(summary, null, 2));
  else {
    const verdict = {
      pass: nothingJudged ? 'NOTHING JUDGED: the budget ran out before any drill ended' : 'no invariant violated',
      fail: 'INVARIANT VIOLATED (a database finding)',
      error: `could not judge the database: ${result.error?.outcome.violation?.class} error`,
    }[result.verdict];
    out(
      `chaos ${topology} on ${flavorId}, seed ${seed}: ${result.attempts.length} drills, ${verdict}${result.interrupted ? ' (budget reached)' : ''}`,
    );
    if (result.error)
      out(
        `  ${result.error.outcome.violation?.class} error in attempt ${result.error.attempt}, not shrunk: ${result.error.outcome.violation?.what} (${result.error.outcome.reportDir})`,
      );
    if (result.firstFailure)
      out(`  first failure (${result.firstFailure.commands.length} commands): ${result.firstFailure.outcome.violation?.what}`);
    if (result.minimal) {
      out(
        `  smallest failing schedule (${result.minimal.commands.length} commands): ${result.minimal.commands.map(describeCommand).join('; ')}`,
      );
      out(`  replay: firedrill chaos --topology ${topology} --flavor ${flavorId} --replay ${seed}:${result.minimal.path}`);
      out(`  as a drill: firedrill run ${scenarioFile} --flavor ${flavorId}`);
    }
    out(`  details: ${join(dir, 'chaos.json')}`);
  }
  return nothingJudged ? 2 : { pass: 0, fail: 1, error: 2 }[result.verdict];
}
