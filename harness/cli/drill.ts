/** Running drills from the command line: one drill with its signals, teardown and report; a series of them. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, type FlavorId } from '../core/index.js';
import { observeCommands, signalExitCode, withCancelScope } from '../exec/index.js';
import { consoleSummary, consoleTime, DrillLog, writeReport, type DrillResult } from '../report/index.js';
import { RunContext } from '../runtime/index.js';
import { reportsDir } from '../runtime/paths.js';
import {
  errorResult,
  findScenario,
  planDrill,
  resolveParams,
  runScenario,
  type DrillInputs,
  type ScenarioDefinition,
} from '../scenario/index.js';
import { err, out } from './options.js';
import { runPool } from './parallel.js';

/** Drill-wide options from the command line. */
export interface DrillFlags {
  keepArtifacts: boolean;
  faultDuringBackup: boolean;
  instantVerify?: boolean;
  verbose?: boolean;
  /** `--timeout`: the deadline of each of the drill's own queries. */
  timeoutMs?: number;
}

/** The signal that interrupted this process, if one did: no drill starts after it (suite, --parallel). */
let interruptedBy: NodeJS.Signals | undefined;

/** Thrown to stop a series of drills once one was interrupted: the process exits with this code after teardown. */
export class Interrupted extends Error {
  constructor(readonly code: number) {
    super(`interrupted (exit ${code})`);
  }
}

/**
 * Runs one drill. A signal interrupts it: the drill's commands are killed, teardown runs to its end (a second signal
 * does not cut it short), and only then are result.json and junit.xml written, with verdict "interrupted" and any
 * teardown failure. Whatever happens after the run starts, its report is written.
 */
export async function drill(
  id: string | ScenarioDefinition,
  flavorId: FlavorId,
  params: Readonly<Record<string, string | number>>,
  flags: DrillFlags,
  inputs: DrillInputs = {},
  label = '',
  stop?: AbortSignal,
): Promise<DrillResult> {
  // Progress goes to stderr and, once the run exists, to its drill.log; --verbose adds every command line (redacted).
  let log: DrillLog | undefined;
  const say = (m: string, at = Date.now()) => err(`[${consoleTime(at)}]${label ? ` [${label}]` : ''} ${m}`);
  const progress = (m: string) => {
    const at = Date.now();
    say(m, at);
    log?.line(m, at);
  };
  // Bad input is refused before anything starts: the scenario, the flavor, the parameters (one line, exit 2).
  const def = typeof id === 'string' ? await findScenario(id) : id;
  if (!def.flavors.includes(flavorId))
    throw new UsageError(`scenario ${def.id} does not run on ${flavorId} (supported: ${def.flavors.join(', ')})`);
  resolveParams(def, params);
  if (interruptedBy) throw new Interrupted(signalExitCode(interruptedBy));
  const run = new RunContext();
  if (flags.timeoutMs) run.queryTimeoutMs = flags.timeoutMs;
  log = new DrillLog(join(reportsDir, run.runId, 'drill.log'));
  const unobserve = flags.verbose
    ? observeCommands((argv) => {
        const at = Date.now();
        say(log!.command(argv, at), at);
      })
    : () => {};
  const onSignal = (sig: NodeJS.Signals) => {
    interruptedBy ??= sig;
    if (run.interruptedBy) {
      progress(`${sig} again: teardown of run ${run.runId} goes on to its end (SIGKILL leaves the rest to 'firedrill clean')`);
      return;
    }
    progress(`${sig}: interrupting run ${run.runId}; tearing down`);
    run.interrupt(sig);
    void run.teardown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The caller stops the run (chaos's budget): interrupted and torn down like a signal, but the process goes on.
  const onStop = () => {
    progress(`stopped by the caller (budget reached): interrupting run ${run.runId}; tearing down`);
    run.interrupt('SIGTERM');
    void run.teardown();
  };
  if (stop?.aborted) onStop();
  else stop?.addEventListener('abort', onStop, { once: true });
  let result: DrillResult | undefined;
  let opened = false;
  try {
    try {
      // No engine, a missing image, a lease that cannot start: the run could not start; its report says why, and
      // stderr has the one line of the cause (no progress line comes before it).
      // A missing own image is built, in the run's cancel scope: a signal during the build kills debootstrap at once.
      const plan = await withCancelScope(run.signal, () => planDrill(def, flavorId, params, progress, inputs));
      // Opened (lease running) before the run is announced: a run named on stderr can always be judged dead by
      // `firedrill clean`, which then writes its report.
      await run.open({ leaseImage: plan.image });
      opened = true;
      progress(`run ${run.runId}: ${def.id} on ${flavorId}`);
      progress(`dataset ${plan.dataset.name}${plan.serverConfig ? `, server config ${plan.serverConfig.path}` : ''}`);
      result = await runScenario(plan, { run, progress, ...flags, command: ['firedrill', ...process.argv.slice(2)] });
      // could not run (a refused server option, an engine that went away): one clear line naming the cause
      if (result.verdict === 'error' && result.error) err(`firedrill: ${result.error.split('\n')[0]}`);
    } catch (e) {
      err(`firedrill: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      result = errorResult(def, flavorId, run.runId, e, run.interruptedBy ? 'interrupted' : 'error');
    }
    // A run refused before it opened (no engine, a missing image) created nothing: its sweep's failures say nothing.
    const failures = (await run.teardown()).filter(() => opened);
    for (const f of failures) progress(`teardown: ${f}`);
    if (run.interruptedBy && result.verdict !== 'interrupted') {
      result.verdict = 'interrupted';
      result.cause = { kind: 'interrupted', message: `interrupted by ${run.interruptedBy}` };
    }
    if (failures.length) {
      result.teardownFailures = failures;
      if (result.verdict === 'pass') {
        result.verdict = 'error';
        result.error = `teardown failed: ${failures.join('; ')}`;
        result.cause = { kind: 'environment', message: result.error };
      }
    }
    await mkdir(result.reportDir, { recursive: true });
    result.tornDown = true;
    await writeReport(result); // after teardown: its failures are in the report
  } finally {
    unobserve();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stop?.removeEventListener('abort', onStop);
  }
  if (run.interruptedBy && (interruptedBy || !stop?.aborted)) {
    progress(`run ${run.runId} interrupted by ${run.interruptedBy}; torn down; report in ${result.reportDir}`);
    throw new Interrupted(signalExitCode(run.interruptedBy));
  }
  return result;
}

/**
 * Runs drills one after another: each summary as it ends (or one JSON array at the end), then a closing line.
 * Exit 0 when all passed, 1 when any failed, else 2 when any could not run; an interrupt stops the series.
 */
export async function runMany(
  label: string,
  items: ReadonlyArray<{ scenario: string; flavor: FlavorId; params?: Readonly<Record<string, string | number>> }>,
  flags: DrillFlags,
  json: boolean,
  parallel = 1,
  inputs: DrillInputs = {},
): Promise<number> {
  // --parallel N: N drills at once on the one engine, each in its own run (own containers, network, report folder);
  // progress lines carry the drill's name, each summary is printed whole as its drill ends.
  // A drill that could not run (bad input, no engine) stops the suite as in sequential mode: exit 2.
  const results = await runPool(items, parallel, async (item) => {
    const r = await drill(
      item.scenario,
      item.flavor,
      item.params ?? {},
      flags,
      inputs,
      parallel > 1 ? `${item.scenario} ${item.flavor}` : '',
    );
    if (!json) out(consoleSummary(r));
    return r;
  });
  const failed = results.filter((r) => r.verdict === 'fail').length;
  const errors = results.filter((r) => r.verdict === 'error').length;
  if (json) out(JSON.stringify(results, null, 2));
  else out(`${label}: ${results.length - failed - errors} passed, ${failed} failed${errors ? `, ${errors} could not run` : ''}`);
  return failed ? 1 : errors ? 2 : 0;
}
