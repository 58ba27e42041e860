import type { DestroyFault, FaultHandler, KillFault, PartitionFault, PauseFault, WipeDatadirFault } from './types.js';

/** The heal of faults that leave nodes down: start them again, unless the fault says `restart: false`. */
const restartNodes =
  (timingKey: string): FaultHandler<KillFault | WipeDatadirFault>['heal'] =>
  async (env, f, effect) => {
    if (f.restart === false) return { note: 'left down for the recovery procedure' };
    const t0 = Date.now();
    for (const name of effect.nodes) for (const n of env.resolve(name)) await n.restart();
    return { [timingKey]: Date.now() - t0 };
  };

/**
 * SIGKILL (or another signal) to the server process; heal starts it again and waits until it answers.
 * With `restart: false` the heal leaves the nodes down: the drill's recovery procedure brings them back.
 */
export const kill: FaultHandler<KillFault> = {
  kind: 'kill',
  describe: (f) => `send SIG${f.signal ?? 'KILL'} to ${f.target}${f.restart === false ? ' (no automatic restart)' : ''}`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    for (const n of nodes) await n.kill(f.signal ?? 'KILL');
    const states = await Promise.all(nodes.map(async (n) => ({ node: n.name, ...(await n.container.state()) })));
    return { nodes: nodes.map((n) => n.name), observed: { afterKill: states } };
  },
  heal: restartNodes('restartedMs'),
};

/**
 * The datadir deleted under a running server, then SIGKILL (seed: Galera node lost). Heal starts it on an empty
 * datadir; with `restart: false` it is left down for the drill's recovery phase to start.
 */
export const wipeDatadir: FaultHandler<WipeDatadirFault> = {
  kind: 'wipe-datadir',
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

/** SIGKILL and the datadir deleted: the node is gone for good. Nothing can be undone; recovery is a rebuild. */
export const destroy: FaultHandler<DestroyFault> = {
  kind: 'destroy',
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

/** Freezes the container's processes (cgroup freezer); heal thaws them. */
export const pause: FaultHandler<PauseFault> = {
  kind: 'pause',
  describe: (f) => `freeze ${f.target}`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    for (const n of nodes) await n.container.pause();
    return { nodes: nodes.map((n) => n.name), observed: { paused: nodes.map((n) => n.name) } };
  },
  async heal(env, _f, effect) {
    for (const name of effect.nodes) for (const n of env.resolve(name)) await n.container.unpause();
    return { unpaused: effect.nodes };
  },
};

/** Cuts the target off the network (docker network disconnect: packets dropped, no RST); heal reconnects it. */
export const partition: FaultHandler<PartitionFault> = {
  kind: 'partition',
  describe: (f) => `cut ${f.target} off the network`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    for (const n of nodes) await n.disconnectNetwork();
    return { nodes: nodes.map((n) => n.name), observed: { isolated: nodes.map((n) => n.name) } };
  },
  async heal(env, _f, effect) {
    for (const name of effect.nodes) for (const n of env.resolve(name)) await n.connectNetwork();
    return { reconnected: effect.nodes };
  },
};
