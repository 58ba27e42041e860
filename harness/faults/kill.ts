import { restartNodes } from './restart.js';
import { bool, oneOf, optional } from './rules.js';
import type { Selector } from './selector.js';
import type { FaultHandler } from './types.js';

/** SIGKILL (or another signal) to the server process; `restart: false` leaves the nodes down for the recovery. */
export interface KillFault {
  kind: 'kill';
  target: Selector;
  signal?: 'KILL' | 'TERM' | 'ABRT' | 'SEGV';
  restart?: boolean;
  /** Recorded when the kill hit a node in the middle of a backup (--fault-during-backup). */
  during?: 'backup';
}

/** The signals a kill may send (the server's own handling of each is what a drill exercises). */
const KILL_SIGNALS = ['KILL', 'TERM', 'ABRT', 'SEGV'] as const;

/**
 * SIGKILL (or another signal) to the server process; heal starts it again and waits until it answers.
 * With `restart: false` the heal leaves the nodes down: the drill's recovery procedure brings them back.
 */
export const kill: FaultHandler<KillFault> = {
  kind: 'kill',
  summary: 'a signal (default SIGKILL) to the server; healed by starting it again',
  attributes: { signal: optional(oneOf(KILL_SIGNALS)), restart: optional(bool), during: optional(oneOf(['backup'])) },
  band: { fill: 'rgba(220,38,38,0.22)' },
  chaos: {
    command: 'kill',
    topologies: ['primary-replicas', 'multi-source', 'galera'],
    recovery: 'rejoin',
    fault: (target) => ({ kind: 'kill', target, signal: 'KILL' }),
  },
  describe: (f) => `send SIG${f.signal ?? 'KILL'} to ${f.target}${f.restart === false ? ' (no automatic restart)' : ''}`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    for (const n of nodes) await n.kill(f.signal ?? 'KILL');
    const states = await Promise.all(nodes.map(async (n) => ({ node: n.name, ...(await n.container.state()) })));
    return { nodes: nodes.map((n) => n.name), observed: { afterKill: states } };
  },
  heal: restartNodes('restartedMs'),
};
