import type { BackupStore, Manifest } from '../backup/index.js';
import type { FaultEnv, FaultRecord } from '../faults/index.js';
import type { FlavorId } from '../runtime/flavors.js';
import type { RunContext } from '../runtime/run-context.js';
import type { Topology, TopologySpec } from '../runtime/topology.js';
import type { TopologyContext } from '../runtime/node.js';
import type { CheckResult } from '../verify/index.js';
import type { WorkloadOptions, WriteWorkload } from '../workload/index.js';

export type Params = Readonly<Record<string, number>>;

export interface ParamSpec { default: number; description: string; min?: number }

/** Everything a step can see and record during one drill. */
export interface DrillContext {
  run: RunContext;
  tctx: TopologyContext;
  topo: Topology;
  store: BackupStore;
  /** The write workload of the (first) primary. */
  workload: WriteWorkload;
  /** Every primary's write workload, by primary name (one on primary-replicas). */
  workloads: ReadonlyMap<string, WriteWorkload>;
  params: Params;
  /** Artifacts taken in this drill, newest last, with the folder each is in. */
  artifacts: Array<{ dir: string; manifest: Manifest }>;
  faults: FaultRecord[];
  checks: CheckResult[];
  /** Values one step hands to a later one (e.g. the poison transaction's GTID). */
  vars: Map<string, unknown>;
  /** What steps observed (timings, positions, lag), by step. */
  observations: Record<string, unknown>;
  faultEnv: FaultEnv;
  /** Drill-wide options from the command line. */
  options: { faultDuringBackup?: boolean };
  progress(m: string): void;
}

/**
 * A drill var (client time, ms) set by a step whose recovery targets a point in time (e.g. just before a DROP): the
 * drill's RPO then counts the acknowledged writes before that point that the recovered node lacks.
 */
export const RECOVERY_POINT = 'recovery-point';

/**
 * A drill var (number) set by a step that measures, independently of the ledger, how many acknowledged writes a
 * procedure loses by design (e.g. the transactions committed after the backup point): with `expectsLoss`, the drill's
 * RPO must equal it.
 */
export const EXPECTED_LOSS = 'expected-loss';

/** One runbook line: a named action that records checks and observations. Throwing ends the drill as failed. */
export interface Step { name: string; run(ctx: DrillContext): Promise<void> }

export interface Phase {
  name: string;
  /** Recovery phases make up the RTO: the sum of their durations. */
  recovery?: boolean;
  steps: readonly Step[];
}

/** Topology of a scenario; `backupNodes` get the run's backup store mounted. */
export interface TopologyPlan { spec: (store: BackupStore) => TopologySpec }

export interface ScenarioDefinition {
  id: string;
  description: string;
  flavors: readonly FlavorId[];
  params: Readonly<Record<string, ParamSpec>>;
  topology: TopologyPlan;
  data: { sakila: boolean; bulkMb: (p: Params) => number };
  workload: WorkloadOptions;
  phases: readonly Phase[];
  /** The node whose ledger verdict is the drill's RPO. */
  rpoNode: string;
  /** The procedure loses data by design (e.g. a backup without binlogs): the RPO must equal the exact loss a step
   * measured apart (drill var EXPECTED_LOSS); a loss that was not measured, or differs, fails the drill. */
  expectsLoss?: boolean;
}
