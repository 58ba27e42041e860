import type { RemovedState } from '../runtime/container.js';
import type { StartedNode } from '../runtime/node.js';
import { resolveSelector, type Selector, type SelectorTopology } from './selector.js';
import type { FaultEnv } from './types.js';

/** The fault environment of a running topology: selectors resolve against it, destroyed nodes leave it. */
export function faultEnvOf(
  topo: SelectorTopology & { all(): StartedNode[]; destroy(name: string): Promise<RemovedState> },
  progress: (m: string) => void,
): FaultEnv {
  const find = (name: string) => topo.all().find((n) => n.name === name);
  return {
    resolve: (t: Selector) => resolveSelector(topo, t),
    destroy: (name: string) => topo.destroy(name),
    find,
    all: () => topo.all(),
    named: (name: string) => {
      const n = find(name);
      if (!n) throw new Error(`${name} is no longer in the topology: the fault on it cannot be healed`);
      return n;
    },
    progress,
  };
}
