import type { Selector } from './selector.js';
import type { FaultHandler } from './types.js';

/** The container's processes frozen (cgroup freezer). */
export interface PauseFault {
  kind: 'pause';
  target: Selector;
}

/** Freezes the container's processes (cgroup freezer); heal thaws them. */
export const pause: FaultHandler<PauseFault> = {
  kind: 'pause',
  summary: "the server's processes frozen (cgroup freezer); healed by thawing them",
  attributes: {},
  band: { fill: 'rgba(37,99,235,0.2)' },
  chaos: {
    command: 'pause',
    topologies: ['primary-replicas', 'multi-source', 'galera'],
    holdsForWrites: true,
    recovery: 'rejoin',
    fault: (target) => ({ kind: 'pause', target }),
  },
  describe: (f) => `freeze ${f.target}`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    for (const n of nodes) await n.container.pause();
    return { nodes: nodes.map((n) => n.name), observed: { paused: nodes.map((n) => n.name) } };
  },
  async heal(env, _f, effect) {
    for (const name of effect.nodes) await env.named(name).container.unpause();
    return { unpaused: effect.nodes };
  },
};
