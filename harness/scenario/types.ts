import type { BackupStore, Manifest } from '../backup/index.js';
import type { Fault, FaultEnv, FaultRecord, TopologyShape } from '../faults/index.js';
import type { FlavorId } from '../core/index.js';
import type { RunContext } from '../runtime/run-context.js';
import type { Topology, TopologySpec } from '../runtime/topology.js';
import type { TopologyContext } from '../runtime/context.js';
import type { CheckResult } from '../verify/index.js';
import type { CarryLimit } from '../restore/index.js';
import type { DatasetInfo, WorkloadOptions, WriteWorkload } from '../workload/index.js';
import type { OwnNames } from '../runtime/config.js';
import type { DrillState } from './state.js';

/** A parameter's value: a number (sizes, counts) or a string (names, flavors, paths). */
export type ParamValue = number | string;
export type Params = Readonly<Record<string, ParamValue>>;

/** A numeric parameter (`type` may be left out), or a string one; `--param k=v` is checked against it. */
export type ParamSpec =
  | { type?: 'number'; default: number; description: string; min?: number }
  | {
      type: 'string';
      default: string;
      description: string;
      pattern?: RegExp;
      /** A `db.table` of the dataset (checked against it before anything starts); 'one-column-key': it must have one. */
      table?: 'any' | 'one-column-key';
    };

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
  /** Values one step hands to a later one (e.g. the poison transaction's GTID), in named slots. */
  state: DrillState;
  /** What steps observed (timings, positions, lag), by step. */
  observations: Record<string, unknown>;
  faultEnv: FaultEnv;
  /** Drill-wide options from the command line. */
  options: {
    faultDuringBackup?: boolean;
    /** Also run the instant check (server read-only on the artifact) after every physical backup. */
    instantVerify?: boolean;
  };
  /** The run's dataset as loaded (name, databases, size), and the names firedrill uses for its own objects. */
  dataset: DatasetInfo;
  own: OwnNames;
  /** What the drill's methods cannot carry of the dataset, named before it started (limits.ts's drillLimits). */
  limits: readonly CarryLimit[];
  progress(m: string): void;
}

/** One runbook line: a named action that records checks and observations. Throwing ends the drill as failed. */
export interface Step {
  name: string;
  run(ctx: DrillContext): Promise<void>;
  /** The faults the step injects (its own and its inner steps'): checked against the topology when the scenario is defined. */
  faults?: readonly Fault[];
  /**
   * The nodes the step works on (they must be the topology's or made by an earlier step) and the nodes it makes (a
   * restore's): checked in order when the scenario is defined, so a misspelt node fails before anything starts.
   */
  nodes?: { uses?: readonly string[]; creates?: readonly string[] };
  /**
   * The step copies a node physically (a backup of its datadir: the flavor's method, or a filesystem snapshot): what
   * such a copy cannot carry (MEMORY rows; every non-InnoDB table's rows with the clone plugin) is named when the drill
   * is planned, and its data checks judge the rest.
   */
  physicalCopy?: 'native' | 'fs-snapshot';
  /** The step dumps a node logically (the flavor's dump tool, without --dump-history): what a dump cannot carry
   * exactly (FLOAT values, system-versioned history) is named when the drill is planned, for the nodes restored from it. */
  logicalCopy?: true;
  /** The step restarts a node's server (an in-place upgrade): a MEMORY table's rows are gone on it, named when planned. */
  restartsNode?: true;
  /** The nodes the step creates are restored from the drill's physical backup, whatever artifact was taken last
   * (pre-upgrade's way back): the limits of a logical dump are not theirs. */
  restoresPhysical?: true;
}

export interface Phase {
  name: string;
  /** Recovery phases make up the RTO: the sum of their durations. */
  recovery?: boolean;
  steps: readonly Step[];
}

/** Topology of a scenario: the nodes it will have (known when the scenario is defined), and its spec for a run's
 * backup store (backup replicas get the store mounted). */
export interface TopologyPlan {
  shape: TopologyShape;
  spec: (store: BackupStore) => TopologySpec;
}

export interface ScenarioDefinition {
  id: string;
  description: string;
  flavors: readonly FlavorId[];
  params: Readonly<Record<string, ParamSpec>>;
  topology: TopologyPlan;
  /** `dataset`: load the run's dataset (`--dataset`, Sakila by default); `bulkMb`: firedrill's generated bulk table on top. */
  data: { dataset: boolean; bulkMb: (p: Params) => number };
  workload: WorkloadOptions;
  phases: readonly Phase[];
  /** The node whose ledger verdict is the drill's RPO (`primary`: whichever node holds the primary role at the end). */
  rpoNode: string;
  /** The procedure loses data by design (e.g. a backup without binlogs): a non-zero RPO does not fail the drill,
   * the drill's own checks judge whether it was measured exactly. */
  expectsLoss?: boolean;
  /**
   * Bad input the parameters alone cannot say (e.g. a target version with no rules for this step, a queries file
   * that does not exist): throws a UsageError, checked by planDrill before anything starts (exit 2).
   */
  validate?: (params: Params, flavor: FlavorId) => void;
}
