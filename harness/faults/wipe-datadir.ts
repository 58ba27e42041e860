import { restartNodes } from './restart.js';
import { bool, optional } from './rules.js';
import type { Selector } from './selector.js';
import type { FaultHandler } from './types.js';

/** The datadir deleted under a running server, then SIGKILL; `restart: false` leaves it down. */
export interface WipeDatadirFault {
  kind: 'wipe-datadir';
  target: Selector;
  restart?: boolean;
}

/**
 * The datadir deleted under a running server, then SIGKILL (seed: Galera node lost). Heal starts it on an empty
 * datadir; with `restart: false` it is left down for the drill's recovery phase to start.
 */
export const wipeDatadir: FaultHandler<WipeDatadirFault> = {
  kind: 'wipe-datadir',
  summary: 'the datadir deleted under the running server, then SIGKILL; healed by starting it empty',
  attributes: { restart: optional(bool) },
  band: { fill: 'rgba(124,45,18,0.25)' },
  chaos: {
    command: 'wipe-datadir',
    // Galera members rejoin by IST/SST on their own; a replica with an empty datadir is a lost node ('lose')
    topologies: ['galera'],
    recovery: 'start-after-dropped',
    fault: (target) => ({ kind: 'wipe-datadir', target, restart: false }),
  },
  describe: (f) => `delete the datadir of ${f.target} and SIGKILL it`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    for (const n of nodes) {
      await n.container.exec(['find', '/var/lib/mysql', '-mindepth', '1', '-delete'], { okExitCodes: [0, 1] });
      await n.kill('KILL');
    }
    const left = await Promise.all(nodes.map(async (n) => ({ node: n.name, ...(await n.container.state()) })));
    return { nodes: nodes.map((n) => n.name), observed: { afterWipeAndKill: left } };
  },
  heal: restartNodes('restartedOnEmptyDatadirMs'),
};
