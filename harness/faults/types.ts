import type { RemovedState } from '../runtime/container.js';
import type { StartedNode } from '../runtime/node.js';
import type { Selector } from './selector.js';

/** SIGKILL (or another signal) to the server process; `restart: false` leaves the nodes down for the recovery. */
export interface KillFault {
  kind: 'kill';
  target: Selector;
  signal?: 'KILL' | 'TERM' | 'ABRT' | 'SEGV';
  restart?: boolean;
  /** Recorded when the kill hit a node in the middle of a backup (--fault-during-backup). */
  during?: 'backup';
}
/** The datadir deleted under a running server, then SIGKILL; `restart: false` leaves it down. */
export interface WipeDatadirFault {
  kind: 'wipe-datadir';
  target: Selector;
  restart?: boolean;
}
/** SIGKILL and the datadir deleted: the node is gone for good. */
export interface DestroyFault {
  kind: 'destroy';
  target: Selector;
}
/** The container's processes frozen (cgroup freezer). */
export interface PauseFault {
  kind: 'pause';
  target: Selector;
}
/** The target cut off the network (docker network disconnect). */
export interface PartitionFault {
  kind: 'partition';
  target: Selector;
}
/** A replica-only trigger that crashes the server when a replicated DELETE reaches the poison row. */
export interface CrashTriggerFault {
  kind: 'crash-trigger';
  target: Selector;
  db: string;
  table: string;
  key: string;
  id: number;
}

/** A fault is data: its kind, its target, and the kind's attributes (toxiproxy's shape). */
export type Fault = KillFault | WipeDatadirFault | DestroyFault | PauseFault | PartitionFault | CrashTriggerFault;

/**
 * A fault a step injects itself on something that is not a topology node (no handler in the registry), recorded so
 * that reports show its window like any other: the binlog streamer of `target` (its source) SIGKILLed, resumed later.
 */
export interface StepInjectedFault {
  kind: 'kill-binlog-streamer';
  target: string;
}
export type FaultKind = Fault['kind'];
export type FaultOfKind<K extends FaultKind> = Extract<Fault, { kind: K }>;

/** What a fault sees of the drill: the nodes a selector names, and the topology's bookkeeping. */
export interface FaultEnv {
  /** The nodes a selector names now. */
  resolve(target: Selector): StartedNode[];
  /** The node of that name if it (still) exists. */
  find(name: string): StartedNode | undefined;
  /** Destroys a node (container and datadir) and takes it out of the topology; returns what it left. */
  destroy(name: string): Promise<RemovedState>;
  progress(m: string): void;
}

/** What injection did, as observed (kept in the run's record). */
export interface FaultEffect {
  nodes: string[];
  observed: Record<string, unknown>;
}

export interface FaultHandler<F extends Fault = Fault> {
  kind: F['kind'];
  describe(f: F): string;
  inject(env: FaultEnv, f: F): Promise<FaultEffect>;
  /** Undoes the fault. Always runs after a successful inject, whatever happened in between. */
  heal(env: FaultEnv, f: F, effect: FaultEffect): Promise<Record<string, unknown>>;
}
