import type { Selector } from './selector.js';
import type { FaultHandler } from './types.js';

/** SIGKILL and the datadir deleted: the node is gone for good. */
export interface DestroyFault {
  kind: 'destroy';
  target: Selector;
}

/** SIGKILL and the datadir deleted: the node is gone for good. Nothing can be undone; recovery is a rebuild. */
export const destroy: FaultHandler<DestroyFault> = {
  kind: 'destroy',
  summary: 'SIGKILL and the datadir deleted: the node is gone; recovery rebuilds it from a backup',
  attributes: {},
  band: { fill: 'rgba(17,24,39,0.22)' },
  chaos: {
    // schedules and --faults know it as losing a node
    command: 'lose',
    topologies: ['primary-replicas', 'multi-source'],
    weight: 2,
    recovery: 'lost',
    precondition(s, target) {
      const others = [...s.up].filter((n) => n !== target);
      // the invariants compare replicas with their source: primary-replicas keeps one replica standing
      if (s.topology === 'primary-replicas' && others.length === 0) return `${target} is the last replica standing`;
      // the drill's end rebuilds every node still lost: from an artifact, or from a backup of a node still standing
      if (s.artifacts === 0 && !others.some((n) => s.backupFrom.includes(n)))
        return `${target} could not be rebuilt: no artifact exists and no other node to back up stands`;
      return undefined;
    },
    fault: (target) => ({ kind: 'destroy', target }),
  },
  describe: (f) => `SIGKILL ${f.target} and delete its datadir`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    const out: Array<Record<string, unknown>> = [];
    for (const n of nodes) {
      const st = await n.kill('KILL');
      const left = await env.destroy(n.name);
      out.push({ node: n.name, exitCode: st.exitCode, datadir: left.volumeRemoved ? 'deleted' : 'kept' });
    }
    return { nodes: nodes.map((n) => n.name), observed: { destroyed: out } };
  },
  async heal() {
    return { note: 'nothing to undo: the node and its datadir are gone; recovery rebuilds it' };
  },
};
