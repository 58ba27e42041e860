import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore } from '../backup/index.js';
import type { FaultEnv } from '../faults/index.js';
import { UsageError, type FlavorId } from '../runtime/flavors.js';
import type { RunContext } from '../runtime/run-context.js';
import type { StartedNode } from '../runtime/node.js';
import { openTopologyContext, startTopology, type Topology } from '../runtime/topology.js';
import { waitCaughtUp } from '../runtime/replication.js';
import { reportsDir } from '../runtime/paths.js';
import type { CheckResult } from '../verify/index.js';
import { judgeLedger, presentLedgerIds } from '../verify/index.js';
import { loadBulk, loadSakila, WriteWorkload } from '../workload/index.js';
import { RECOVERY_POINT, type DrillContext, type Params, type ScenarioDefinition } from './types.js';
import { writeReport } from '../report/index.js';
import { InterruptedError, isInfrastructureError, signalExitCode, withCancelScope } from '../exec/index.js';

export interface StepRecord { name: string; startMs: number; endMs: number; error?: string }
export interface PhaseRecord { name: string; recovery: boolean; startMs: number; endMs: number; durationMs: number; steps: StepRecord[] }

export interface DrillResult {
  runId: string;
  scenario: string;
  description: string;
  flavor: FlavorId;
  /** pass; fail: the drill ran and found something wrong; error: it could not run (the harness or its infrastructure
   * failed, see `error`); interrupted: a signal ended it (the report is written after teardown). */
  verdict: Verdict;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  params: Params;
  phases: PhaseRecord[];
  rto: { ms: number | null; method: string; phases: Record<string, number> };
  rpo: { lostAcknowledgedWrites: number | null; seconds: number | null; node: string; indeterminate: number; method: string };
  checks: CheckResult[];
  faults: DrillContext['faults'];
  observations: Record<string, unknown>;
  ledger?: ReturnType<WriteWorkload['ledger']['summary']>;
  error?: string;
  reportDir: string;
  teardownFailures?: string[];
}

export type Verdict = 'pass' | 'fail' | 'error' | 'interrupted';

/** The exit code a verdict gives: 0 pass, 1 fail, 2 could not run, 128+signal when interrupted. */
export function exitCodeOf(r: Pick<DrillResult, 'verdict'>, signal?: NodeJS.Signals): number {
  return r.verdict === 'pass' ? 0 : r.verdict === 'fail' ? 1 : r.verdict === 'error' ? 2 : signalExitCode(signal ?? 'SIGINT');
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

/** The result of a drill that ended before it began (its report still says why). */
export function errorResult(def: Pick<ScenarioDefinition, 'id' | 'description' | 'rpoNode'>, flavor: FlavorId, runId: string, error: unknown, verdict: Verdict = 'error'): DrillResult {
  const now = new Date().toISOString();
  return {
    runId, scenario: def.id, description: def.description, flavor, verdict, startedAt: now, endedAt: now, durationMs: 0, params: {},
    phases: [], rto: { ms: null, method: 'not measured: the drill did not run', phases: {} },
    rpo: { lostAcknowledgedWrites: null, seconds: null, node: def.rpoNode, indeterminate: 0, method: 'not measured: the drill did not run' },
    checks: [], faults: [], observations: {}, error: error instanceof Error ? error.message : String(error), reportDir: join(reportsDir, runId),
  };
}

export interface RunOptions {
  flavor: FlavorId;
  params?: Record<string, number>;
  run: RunContext;
  progress: (m: string) => void;
  keepArtifacts?: boolean;
  /** Kill the backup node in the middle of every backup: it must fail loudly, leave nothing restorable, and a retry must succeed. */
  faultDuringBackup?: boolean;
}

/** Fills in defaults and refuses unknown or out-of-range parameters (bad input). */
export function resolveParams(def: ScenarioDefinition, given: Record<string, number> = {}): Params {
  const out: Record<string, number> = {};
  for (const k of Object.keys(given)) {
    if (!def.params[k]) throw new UsageError(`scenario ${def.id} has no parameter '${k}' (known: ${Object.keys(def.params).join(', ') || 'none'})`);
  }
  for (const [k, spec] of Object.entries(def.params)) {
    const v = given[k] ?? spec.default;
    if (!Number.isFinite(v) || (spec.min !== undefined && v < spec.min)) throw new UsageError(`parameter ${k}=${v} is out of range (min ${spec.min})`);
    out[k] = v;
  }
  return out;
}

/**
 * Runs one drill: brings up the topology, loads data, starts the workload, runs every phase's steps in order,
 * writes the report and returns the result. A step that throws ends the drill as failed; checks that fail are all recorded and the
 * drill goes on to the end. Tearing down is the caller's (RunContext), so it also happens on Ctrl-C.
 */
export async function runScenario(def: ScenarioDefinition, o: RunOptions): Promise<DrillResult> {
  if (!def.flavors.includes(o.flavor)) throw new UsageError(`scenario ${def.id} does not run on ${o.flavor} (supported: ${def.flavors.join(', ')})`);
  const params = resolveParams(def, o.params);
  const started = Date.now();
  const reportDir = join(reportsDir, o.run.runId);
  await mkdir(reportDir, { recursive: true });
  const store = await openStore(join(reportDir, 'store'));
  if (!o.keepArtifacts) o.run.temporary(store.hostDir, 'remove backup store data');
  const phases: PhaseRecord[] = [];
  const result: DrillResult = {
    runId: o.run.runId, scenario: def.id, description: def.description, flavor: o.flavor, verdict: 'fail',
    startedAt: new Date(started).toISOString(), endedAt: '', durationMs: 0, params, phases,
    rto: { ms: null, method: 'sum of the recovery phases\' wall-clock durations (measured)', phases: {} },
    rpo: { lostAcknowledgedWrites: null, seconds: null, node: def.rpoNode, indeterminate: 0,
      method: 'acknowledged writes in the client ledger missing on the recovered node at the end of the drill' },
    checks: [], faults: [], observations: {}, reportDir,
  };
  let ctx: DrillContext | undefined;
  const timed = async (name: string, recovery: boolean, steps: ReadonlyArray<{ name: string; run: () => Promise<void> }>) => {
    const p: PhaseRecord = { name, recovery, startMs: Date.now(), endMs: 0, durationMs: 0, steps: [] };
    phases.push(p);
    o.progress(`phase ${name}`);
    try {
      for (const s of steps) {
        const rec: StepRecord = { name: s.name, startMs: Date.now(), endMs: 0 };
        p.steps.push(rec);
        o.progress(`  ${s.name}`);
        try { await s.run(); } catch (e) { rec.error = e instanceof Error ? e.message : String(e); throw e; } finally { rec.endMs = Date.now(); }
      }
    } finally {
      p.endMs = Date.now();
      p.durationMs = p.endMs - p.startMs;
    }
  };
  // The drill runs in the run's cancel scope: an interrupt kills its commands and ends the wait at once; teardown
  // (the caller's) then removes everything, also objects the abandoned body still creates.
  const body = withCancelScope(o.run.signal, async () => {
    const spec = def.topology.spec(store);
    const tctx = await openTopologyContext(o.run, o.flavor, o.progress, { fixedSubnet: spec.kind === 'galera' });
    let topo!: Topology;
    const workloads = new Map<string, WriteWorkload>();
    await timed('setup', false, [
      { name: 'start topology', run: async () => { topo = await startTopology(tctx, spec); } },
      { name: 'load datasets', run: async () => {
        // Sakila on the first primary, the bulk table on the last (the same one on primary-replicas).
        const primaries = topo.primaries;
        if (def.data.sakila) await loadSakila(primaries[0]!);
        const mb = def.data.bulkMb(params);
        if (mb > 0) await loadBulk(primaries[primaries.length - 1]!, mb, o.progress);
        for (const s of topo.sourceSpecs) await WriteWorkload.prepare(topo.get(s.name), s.ledgerDb);
        for (const r of topo.replicas) for (const l of topo.sourcesOf(r.name)) await waitCaughtUp(r, l.source, 600);
      } },
      { name: 'start write workloads', run: async () => {
        for (const s of topo.sourceSpecs) workloads.set(s.name, new WriteWorkload(topo.get(s.name), { ...def.workload, db: s.ledgerDb }));
        for (const w of workloads.values()) w.start();
      } },
    ]);
    const workload = workloads.values().next().value!;
    const faultEnv: FaultEnv = {
      resolve: (t) => resolveSelector(topo, t),
      forget: (name) => topo.remove(name),
      find: (name) => topo.all().find((n) => n.name === name),
      progress: o.progress,
    };
    ctx = { run: o.run, tctx, topo, store, workload, workloads, params, artifacts: [], faults: result.faults, checks: result.checks, vars: new Map(),
      observations: result.observations, faultEnv, progress: o.progress, options: { faultDuringBackup: o.faultDuringBackup } };
    const c = ctx;
    for (const ph of def.phases) await timed(ph.name, !!ph.recovery, ph.steps.map((s) => ({ name: s.name, run: () => s.run(c) })));
    for (const w of workloads.values()) if (w.isRunning) await w.stop();
    let lost = 0; let seconds = 0; let indeterminate = 0;
    const point = ctx.vars.get(RECOVERY_POINT) as number | undefined;
    if (point !== undefined) result.rpo.method += `, acknowledged before the recovery target (${new Date(point).toISOString()}): the point-in-time recovery stops there on purpose`;
    for (const w of workloads.values()) {
      const v = judgeLedger(w.ledger, await presentLedgerIds(topo.get(def.rpoNode), w.db), point);
      lost += v.lost.length; seconds = Math.max(seconds, v.lostSeconds); indeterminate += v.indeterminatePresent + v.indeterminateAbsent;
    }
    result.rpo = { ...result.rpo, lostAcknowledgedWrites: lost, seconds, indeterminate };
  });
  let ended: Verdict | undefined;
  try {
    const interrupted = new Promise<never>((_, rej) => {
      if (o.run.signal.aborted) rej(o.run.signal.reason);
      o.run.signal.addEventListener('abort', () => rej(o.run.signal.reason), { once: true });
    });
    body.catch(() => undefined); // once interrupted, the abandoned body's own failure is of no interest
    await Promise.race([body, interrupted]);
  } catch (e) {
    ended = classifyFailure(e, phases[phases.length - 1]?.name, o.run.signal.aborted);
    result.error = e instanceof Error ? e.message : String(e);
  } finally {
    for (const w of ctx?.workloads.values() ?? []) if (w.isRunning) await w.stop();
    if (ctx) result.ledger = ctx.workload.ledger.summary();
  }
  const rec = phases.filter((p) => p.recovery);
  if (rec.length) {
    result.rto.ms = rec.reduce((s, p) => s + p.durationMs, 0);
    for (const p of rec) result.rto.phases[p.name] = p.durationMs;
  }
  const rpoOk = def.expectsLoss ? result.rpo.lostAcknowledgedWrites !== null : result.rpo.lostAcknowledgedWrites === 0;
  result.verdict = ended ?? (result.checks.length > 0 && result.checks.every((c) => c.valid) && rpoOk ? 'pass' : 'fail');
  result.endedAt = new Date().toISOString();
  result.durationMs = Date.now() - started;
  await writeReport(result, ctx?.workload.ledger);
  return result;
}

/**
 * Resolves a fault's target against the topology: 'primary', 'one-replica', 'all-replicas', 'minority' (the fewest
 * Galera members that cannot form a quorum alone: the last floor((n-1)/2)), or node names joined by commas.
 */
export function resolveSelector(topo: Topology, t: string): StartedNode[] {
  if (t === 'primary') return [topo.primary];
  if (t === 'all-replicas') return topo.replicas;
  if (t === 'one-replica') return topo.replicas.slice(0, 1);
  if (t === 'minority') {
    const m = topo.members;
    if (m.length < 3) throw new Error(`'minority' needs a Galera cluster of 3 or more members (have ${m.length})`);
    return m.slice(m.length - Math.floor((m.length - 1) / 2));
  }
  return t.split(',').map((name) => topo.get(name.trim()));
}
