import type { RemovedState } from '../runtime/container.js';
import type { StartedNode } from '../runtime/node.js';
import type { Selector, TopologyShape } from './selector.js';

/** What every fault is: data with its kind and its target (toxiproxy's shape); each kind adds its attributes. */
export interface BaseFault {
  kind: string;
  target: Selector;
}

/** A value's problem, or undefined when it is fine (undefined values are checked too: required ones refuse them). */
export type Rule = (v: unknown) => string | undefined;

/**
 * A fault's attributes besides `kind` and `target`, with what a value must be: a drill file runs through tsx (its
 * types are not checked), so a misspelt signal or attribute is refused when the scenario is defined, before anything
 * starts. A new attribute in a fault's type without a rule here fails tsc.
 */
type AttributeRules<F extends BaseFault> = { readonly [A in Exclude<keyof F, 'kind' | 'target'>]-?: Rule };

/**
 * A fault that a step injects itself on something that is not a topology node (no handler in the registry), recorded so
 * that reports show its window like any other: the binlog streamer of `target` (its source) SIGKILLed, resumed later.
 */
export interface StepInjectedFault {
  kind: 'kill-binlog-streamer';
  target: string;
}

/** What a fault sees of the drill: the nodes a selector names, and the topology's bookkeeping. */
export interface FaultEnv {
  /** The nodes a selector names now. */
  resolve(target: Selector): StartedNode[];
  /** The node of that name if it (still) exists. */
  find(name: string): StartedNode | undefined;
  /** Every node of the topology now. */
  all(): StartedNode[];
  /**
   * The node of that name, or an error naming it: how a heal finds what its injection hit (by name, not by role: after
   * a failover, the role the fault targeted names another node).
   */
  named(name: string): StartedNode;
  /** Destroys a node (container and datadir) and takes it out of the topology; returns what it left. */
  destroy(name: string): Promise<RemovedState>;
  progress(m: string): void;
}

/** What injection did, as observed (kept in the run's record). */
export interface FaultEffect {
  nodes: string[];
  observed: Record<string, unknown>;
}

/** The topologies chaos schedules are drawn on (not Group Replication: no chaos model for it yet). */
export type ChaosTopology = Exclude<TopologyShape['kind'], 'group-replication'>;

/** What the chaos model knows when it asks whether a fault may hit a target (its state, and the topology's). */
interface ChaosState {
  topology: ChaosTopology;
  /** The fault targets that run now. */
  up: ReadonlySet<string>;
  /** The fault targets lost until the drill rebuilds them. */
  lost: ReadonlySet<string>;
  /** Backup artifacts taken so far. */
  artifacts: number;
  /** The nodes a physical backup may be taken from. */
  backupFrom: readonly string[];
}

/**
 * How the chaos search draws a fault and how its drill carries it out. The command is drawn on a fault target
 * that is up; `precondition` says what else it needs. After it, the target is brought back by its `recovery`:
 * - `rejoin`: the fault healed, the node replicates again (Galera: is synced);
 * - `start-after-dropped`: the node stays down until the survivors dropped it from the cluster, then starts and rejoins
 *   (Galera's runbook for a lost datadir);
 * - `lost`: the node is gone until the drill's end rebuilds it from a backup (the model counts it lost).
 */
export interface ChaosDraw<F extends BaseFault> {
  /** The command's name in schedules and `--faults` (the fault kind, unless a user knows it by another name). */
  command: string;
  /** The topologies chaos may draw it on. */
  topologies: readonly ChaosTopology[];
  /** How often it is drawn against the other commands (default 1). */
  weight?: number;
  /** Held while a burst of writes runs (the command carries `writes`), then healed. */
  holdsForWrites?: boolean;
  recovery: 'rejoin' | 'start-after-dropped' | 'lost';
  /** Why it may not hit `target` in this state beyond the target being up, or undefined when it may. */
  precondition?(s: ChaosState, target: string): string | undefined;
  /** The fault the drill injects for the command. */
  fault(target: string): F;
}

/**
 * One fault, whole: what it is, how it is injected and healed, which attributes a drill file may give it, how the
 * report's throughput chart shades its window, and how chaos draws it (absent: chaos never draws it, `notDrawn` says why).
 */
export interface FaultHandler<F extends BaseFault> {
  kind: F['kind'];
  /** One line for `--help` and docs. */
  summary: string;
  attributes: AttributeRules<F>;
  /** The band shading the fault's window on the report's charts. */
  band: { fill: string };
  chaos?: ChaosDraw<F>;
  /** Why chaos does not draw this fault (required when `chaos` is absent). */
  notDrawn?: string;
  describe(f: F): string;
  inject(env: FaultEnv, f: F): Promise<FaultEffect>;
  /** Undoes the fault. Always runs after a successful inject, whatever happened in between. */
  heal(env: FaultEnv, f: F, effect: FaultEffect): Promise<Record<string, unknown>>;
}
