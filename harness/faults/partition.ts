import type { Selector } from './selector.js';
import type { FaultHandler } from './types.js';

/** The target cut off the network (docker network disconnect). */
export interface PartitionFault {
  kind: 'partition';
  target: Selector;
}

/** Cuts the target off the network (docker network disconnect: packets dropped, no RST); heal reconnects it. */
export const partition: FaultHandler<PartitionFault> = {
  kind: 'partition',
  summary: 'the node cut off the network (packets dropped, no RST); healed by reconnecting it',
  attributes: {},
  band: { fill: 'rgba(217,119,6,0.22)' },
  chaos: {
    command: 'partition',
    topologies: ['primary-replicas', 'multi-source', 'galera'],
    holdsForWrites: true,
    recovery: 'rejoin',
    fault: (target) => ({ kind: 'partition', target }),
  },
  describe: (f) => `cut ${f.target} off the network`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    for (const n of nodes) await n.disconnectNetwork();
    return { nodes: nodes.map((n) => n.name), observed: { isolated: nodes.map((n) => n.name) } };
  },
  async heal(env, _f, effect) {
    for (const name of effect.nodes) await env.named(name).connectNetwork();
    return { reconnected: effect.nodes };
  },
};
