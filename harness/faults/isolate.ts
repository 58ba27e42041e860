import { clearPacketFilter, dropPeers } from '../runtime/packet-filter.js';
import type { Selector } from './selector.js';
import type { FaultHandler } from './types.js';

/** The target cut off from the other nodes while its clients still reach it (a split brain when it is a primary). */
export interface IsolateFault {
  kind: 'isolate';
  target: Selector;
}

/**
 * The target's own packet filter drops every packet from and to the other nodes of the topology (their addresses when
 * the fault hits); the host, where firedrill's clients run, still reaches it. Healed by emptying that filter.
 */
export const isolate: FaultHandler<IsolateFault> = {
  kind: 'isolate',
  summary: "the node cut off from the other nodes while its clients still reach it (its packet filter drops its peers' addresses)",
  attributes: {},
  band: { fill: 'rgba(190,24,93,0.2)' },
  notDrawn:
    "a split brain needs clients on both sides of the cut, which primary-failover's fault=split-brain arranges (splitTheClients); a chaos schedule writes through one target",
  describe: (f) => `cut ${f.target} off the other nodes (its clients still reach it)`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    const names = new Set(nodes.map((n) => n.name));
    const peers = env
      .all()
      .filter((n) => !names.has(n.name))
      .map((n) => ({ name: n.name, address: n.address }));
    for (const n of nodes) await dropPeers(n, peers);
    return { nodes: nodes.map((n) => n.name), observed: { isolated: [...names], from: peers } };
  },
  async heal(env, _f, effect) {
    for (const name of effect.nodes) await clearPacketFilter(env.named(name));
    return { filterCleared: effect.nodes };
  },
};
