import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore, type BackupStore } from '../backup/index.js';
import { timePhase } from '../core/index.js';
import { withCancelScope } from '../exec/index.js';
import { faultEnvOf } from '../faults/index.js';
import { reportsDir } from '../runtime/paths.js';
import { waitCaughtUp } from '../runtime/replication.js';
import type { RunContext } from '../runtime/run-context.js';
import { openTopologyContext, startTopology, type Topology } from '../runtime/topology.js';
import {
  failureCause,
  rpoOf,
  rtoOf,
  verdictOf,
  writeReport,
  type DrillResult,
  type PhaseRecord,
  type Rpo,
  type Verdict,
  baseProvenance,
  datasetSize,
  imageProvenance,
  judgeObjectives,
  objectivesFor,
  serverVersions,
  type Provenance,
} from '../report/index.js';
import { loadConfig } from '../runtime/config.js';
import { judgeLedger, judgeRpo, presentLedgerIds } from '../verify/index.js';
import { loadBulk, loadDataset, WriteWorkload, type DatasetInfo, type DatasetPlan } from '../workload/index.js';
import { validateServerConfig } from '../runtime/server-config-check.js';
import { keyFilesNamed } from '../runtime/key-management.js';
import { workloadSql } from '../sql/index.js';
import { describeLimits } from '../restore/index.js';
import { judgeDrillChecks } from './limits.js';
import type { DrillPlan } from './plan.js';
import { emptyState } from './state.js';
import type { DrillContext, ScenarioDefinition } from './types.js';
import { causeOfFailure, classifyFailure, emptyResult } from './outcome.js';

export interface RunOptions {
  run: RunContext;
  progress: (m: string) => void;
  keepArtifacts?: boolean;
  /** Kill the backup node in the middle of every backup: it must fail loudly, leave nothing restorable, and a retry must succeed. */
  faultDuringBackup?: boolean;
  /** The firedrill command line that started the drill (for the provenance; redacted there). */
  command?: readonly string[];
  /** After every physical backup, also the instant check of its artifact (restore/instant.ts): checks instant-N-*. */
  instantVerify?: boolean;
}

/**
 * Runs one planned drill: sets up the topology, data and workloads, runs every phase's steps in order, measures
 * the RPO, and writes the report with the RTO and the verdict. A step that throws ends the drill as failed; checks
 * that fail are all recorded and the drill goes on to the end. Tearing down is the caller's (RunContext), so it
 * also happens on Ctrl-C.
 */
export async function runScenario(plan: DrillPlan, o: RunOptions): Promise<DrillResult> {
  const { def } = plan;
  const started = Date.now();
  const reportDir = join(reportsDir, o.run.runId);
  await mkdir(reportDir, { recursive: true });
  // Every node's logs go into the report before its container goes (runtime/node-logs.ts), also on failure.
  o.run.nodeLogsDir ??= join(reportDir, 'nodes');
  const store = await openStore(join(reportDir, 'store'), o.run);
  if (!o.keepArtifacts) o.run.temporary(store.hostDir, 'remove backup store data');
  const result = emptyResult(def, plan.flavor, o.run.runId, {
    verdict: 'fail',
    startedAt: new Date(started).toISOString(),
    params: plan.params,
  });
  result.endedAt = '';
  // F6: what the drill's method cannot carry of the dataset, said before anything starts (and kept in result.json)
  for (const line of describeLimits(plan.limits)) o.progress(line);
  if (plan.limits.length) result.observations['limitsOfTheMethod'] = plan.limits;
  const timed = phaseTimer(result.phases, o.progress);
  const base = baseProvenance(o.command ?? []);
  const image = imageProvenance(plan.image);
  let dataset: Provenance['dataset'] = { name: datasetName(plan), databases: [], bytes: 0, measuredOn: null };
  let servers: Provenance['servers'] = {};
  let ctx: DrillContext | undefined;
  // The drill runs in the run's cancel scope: an interrupt kills its commands and ends its waits at once; teardown
  // (the caller's) then removes everything, also objects the abandoned body still creates.
  const body = withCancelScope(o.run.signal, async () => {
    ctx = await setUp(plan, o, store, result, timed);
    dataset = await measureDataset(dataset, ctx.topo);
    for (const ph of def.phases)
      await timed(
        ph.name,
        !!ph.recovery,
        ph.steps.map((s) => ({ name: s.name, run: () => s.run(ctx!) })),
      );
    await stopWorkloads(ctx);
    result.rpo = await measureRpo(def, ctx);
  });
  let ended: Verdict | undefined;
  let endedBy: unknown;
  try {
    const interrupted = new Promise<never>((_, rej) => {
      if (o.run.signal.aborted) rej(o.run.signal.reason);
      o.run.signal.addEventListener('abort', () => rej(o.run.signal.reason), { once: true });
    });
    body.catch(() => undefined); // once interrupted, the abandoned body's own failure is of no interest
    await Promise.race([body, interrupted]);
  } catch (e) {
    ended = classifyFailure(e, result.phases[result.phases.length - 1]?.name, o.run.signal.aborted);
    endedBy = e;
    result.error = e instanceof Error ? e.message : String(e);
  } finally {
    const c = ctx as DrillContext | undefined;
    if (c) await stopWorkloads(c);
    if (c) result.ledger = c.workload.ledger.summary();
    if (c) servers = await serverVersions(c.topo.all());
  }
  result.checks.splice(0, result.checks.length, ...judgeDrillChecks(result.checks, plan.limits));
  result.rto = rtoOf(result.phases);
  // A drill that loses data by design passes only when the loss equals the exact loss a step measured apart.
  if (def.expectsLoss && !ended)
    result.checks.push(judgeRpo(result.rpo.lostAcknowledgedWrites, true, (ctx as DrillContext | undefined)?.state.expectedLoss));
  result.objectives = judgeObjectives(
    objectivesFor(def.id, {
      expectsLoss: def.expectsLoss,
      noRecoveryPhase: !def.phases.some((p) => p.recovery),
      config: loadConfig().objectives,
    }),
    {
      rtoMs: result.rto.ms,
      rpoWrites: result.rpo.lostAcknowledgedWrites,
      rpoSeconds: result.rpo.seconds,
    },
  );
  result.provenance = {
    ...(await base),
    image: await image,
    servers,
    dataset,
    params: { ...plan.params },
    seed: typeof plan.params['seed'] === 'number' ? plan.params['seed'] : seedOf(plan),
  };
  result.logFile = 'drill.log';
  result.verdict = ended ?? verdictOf(result, !!def.expectsLoss);
  const cause = ended ? causeOfFailure(endedBy, ended) : failureCause(result, !!def.expectsLoss);
  if (cause) result.cause = cause;
  result.endedAt = new Date().toISOString();
  result.durationMs = Date.now() - started;
  await writeReport(result, (ctx as DrillContext | undefined)?.workload.ledger);
  return result;
}

type Timed = (name: string, recovery: boolean, steps: ReadonlyArray<{ name: string; run: () => Promise<void> }>) => Promise<void>;

/** Runs steps as one phase, recording when the phase and each step started and ended, and the error of the one that threw. */
function phaseTimer(phases: PhaseRecord[], progress: (m: string) => void): Timed {
  return (name, recovery, steps) =>
    timePhase(phases, name, recovery, progress, async (step) => {
      for (const s of steps) await step(s.name, s.run);
    });
}

/** The setup phase: the topology, the datasets, every primary's write workload; returns the drill's context. */
async function setUp(plan: DrillPlan, o: RunOptions, store: BackupStore, result: DrillResult, timed: Timed): Promise<DrillContext> {
  const { def } = plan;
  const spec = def.topology.spec(store);
  const tctx = await openTopologyContext(o.run, plan.flavor, o.progress, { fixedSubnet: spec.kind === 'galera', image: plan.image });
  if (plan.serverConfig) {
    // The user's my.cnf: checked by the server itself before any node starts (a refused option: exit 2), then
    // put into every node of the run from memory; the overrides are recorded per node as they start.
    // The key files it names (file_key_management) go into every node from memory, at the same path.
    const files = await keyFilesNamed(plan.serverConfig);
    await validateServerConfig(tctx, plan.serverConfig, files);
    const overrides = {};
    const applied = {};
    tctx.serverConfig = { cfg: plan.serverConfig, overrides, applied, files };
    result.serverConfig = { path: plan.serverConfig.path, overrides, applied };
  }
  let topo!: Topology;
  let dataset: DatasetInfo = emptyDatasetInfo(plan.dataset);
  const workloads = new Map<string, WriteWorkload>();
  await timed('setup', false, [
    {
      name: 'start topology',
      run: async () => {
        topo = await startTopology(tctx, spec);
      },
    },
    {
      name: `load dataset ${plan.dataset.name}`,
      run: async () => {
        dataset = await loadDatasets(plan, topo, o.progress);
        result.dataset = dataset;
      },
    },
    {
      name: 'start write workloads',
      run: async () => {
        for (const s of topo.sourceSpecs) workloads.set(s.name, new WriteWorkload(topo.get(s.name), { ...def.workload, db: s.ledgerDb }));
        for (const w of workloads.values()) w.start();
      },
    },
  ]);
  return {
    run: o.run,
    tctx,
    topo,
    store,
    workload: workloads.values().next().value!,
    workloads,
    params: plan.params,
    artifacts: [],
    faults: result.faults,
    checks: result.checks,
    state: emptyState(),
    observations: result.observations,
    faultEnv: faultEnvOf(topo, o.progress),
    progress: o.progress,
    options: { faultDuringBackup: o.faultDuringBackup, instantVerify: o.instantVerify },
    dataset,
    own: plan.own,
    limits: plan.limits,
  };
}

/**
 * The run's dataset on the first primary; firedrill's own objects: its drill targets there too, the bulk table on the
 * last primary (the same one on primary-replicas), the ledger schemas; replicas caught up.
 */
async function loadDatasets(plan: DrillPlan, topo: Topology, progress: (m: string) => void): Promise<DatasetInfo> {
  const { def, own } = plan;
  const primaries = topo.primaries;
  const info = def.data.dataset ? await loadDataset(primaries[0]!, plan.dataset, progress) : emptyDatasetInfo(plan.dataset);
  for (const s of workloadSql.createTargets(own.targets)) await primaries[0]!.query(s);
  const mb = def.data.bulkMb(plan.params);
  if (mb > 0) await loadBulk(primaries[primaries.length - 1]!, mb, progress, own.bulk);
  for (const s of topo.sourceSpecs) await WriteWorkload.prepare(topo.get(s.name), s.ledgerDb);
  for (const r of topo.replicas) for (const l of topo.sourcesOf(r.name)) await waitCaughtUp(r, l.source, 600);
  return info;
}

/** The generator's seed when the dataset is generated rows (schema.sql --rows N --seed S). */
function seedOf(plan: DrillPlan): number | null {
  const src = plan.dataset.source as { seed?: unknown };
  return typeof src.seed === 'number' ? src.seed : null;
}

/** What the drill loads, in words: the run's dataset (unless the drill loads none) and the bulk table. */
function datasetName(plan: DrillPlan): string {
  const mb = plan.def.data.bulkMb(plan.params);
  return (
    [
      plan.def.data.dataset ? `${plan.dataset.name} (${plan.dataset.source.kind}, from ${plan.dataset.origin})` : null,
      mb > 0 ? `bulk ${mb} MB` : null,
    ]
      .filter(Boolean)
      .join(' + ') || 'none (ledger only)'
  );
}

/** The loaded data's size as each primary reports it, after loading and before any fault; a failure is recorded, never fatal. */
async function measureDataset(d: Provenance['dataset'], topo: Topology): Promise<Provenance['dataset']> {
  const out: Provenance['dataset'] = { ...d, databases: [], bytes: 0, measuredOn: null };
  const on: string[] = [];
  for (const p of topo.primaries) {
    try {
      const s = await datasetSize(p);
      out.databases.push(...s.databases.map((x) => (topo.primaries.length > 1 ? { ...x, db: `${x.db} (${p.name})` } : x)));
      out.bytes += s.bytes;
      on.push(p.name);
    } catch (e) {
      out.detail = { ...out.detail, [p.name]: `size not read: ${(e as Error).message.split('\n')[0]}` };
    }
  }
  out.measuredOn = on.join(', ') || null;
  return out;
}
/** What a drill that loads no dataset (or has not loaded it yet) reports. */
const emptyDatasetInfo = (p: DatasetPlan): DatasetInfo => ({
  name: p.name,
  kind: p.source.kind,
  origin: p.origin,
  databases: [],
  tables: 0,
  tableNames: [],
  streamedBytes: 0,
  fileBytes: 0,
  serverBytes: 0,
  loadMs: 0,
  removed: {},
  notes: ['not loaded'],
});

async function stopWorkloads(ctx: DrillContext): Promise<void> {
  for (const w of ctx.workloads.values()) if (w.isRunning) await w.stop();
}

/**
 * The RPO on the scenario's RPO node, judged on every workload's ledger (before the recovery target, when one was
 * set). `primary` is the node holding the primary role at the end (after a failover, the promoted one).
 */
async function measureRpo(def: ScenarioDefinition, ctx: DrillContext): Promise<Rpo> {
  const point = ctx.state.recoveryPoint;
  const node = def.rpoNode === 'primary' ? ctx.topo.primary : ctx.topo.get(def.rpoNode);
  const verdicts = [];
  for (const w of ctx.workloads.values()) verdicts.push(judgeLedger(w.ledger, await presentLedgerIds(node, w.db), point));
  return rpoOf(node.name, verdicts, point);
}
