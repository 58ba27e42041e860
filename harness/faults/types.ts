import type { StartedNode } from '../runtime/node.js';

/** A target selector: a node name, several names joined by commas, or a role resolved against the topology when injected. */
export type Selector = string | 'primary' | 'one-replica' | 'all-replicas' | 'minority';

/** A fault is data: its kind, its target, and the kind's attributes. */
export interface Fault { kind: string; target: Selector; [attribute: string]: unknown }

export interface FaultEnv {
  /** The nodes a selector names now. */
  resolve(target: Selector): StartedNode[];
  /** The node of that name if it (still) exists. */
  find(name: string): StartedNode | undefined;
  /** Drops a node that no longer exists from the topology. */
  forget(name: string): void;
  progress(m: string): void;
}

/** What injection did, as observed (kept in the run's record). */
export interface FaultEffect { nodes: string[]; observed: Record<string, unknown> }

export interface FaultHandler {
  kind: string;
  describe(f: Fault): string;
  inject(env: FaultEnv, f: Fault): Promise<FaultEffect>;
  /** Undoes the fault. Always runs after a successful inject, whatever happened in between. */
  heal(env: FaultEnv, f: Fault, effect: FaultEffect): Promise<Record<string, unknown>>;
}
