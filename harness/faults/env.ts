import type { RemovedState } from '../runtime/container.js';
import type { StartedNode } from '../runtime/node.js';
import { resolveSelector, type Selector, type SelectorTopology } from './selector.js';
import type { FaultEnv } from './types.js';

/** The fault environment of a running topology: selectors resolve against it, destroyed nodes leave it. */
export function faultEnvOf(
  topo: SelectorTopology & { all(): StartedNode[]; destroy(name: string): Promise<RemovedState> },
  progress: (m: string) => void,
): FaultEnv {
  return {
    resolve: (t: Selector) => resolveSelector(topo, t),
    destroy: (name: string) => topo.destroy(name),
    find: (name: string) => topo.all().find((n) => n.name === name),
    progress,
  };
}
