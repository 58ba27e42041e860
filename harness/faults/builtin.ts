import { docker } from '../runtime/docker.js';
import type { Fault, FaultHandler } from './types.js';

/** SIGKILL (or another signal) to the server process; heal starts it again and waits until it answers. */
export const kill: FaultHandler = {
  kind: 'kill',
  describe: (f) => `send SIG${String(f['signal'] ?? 'KILL')} to ${f.target}`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    for (const n of nodes) await n.kill(String(f['signal'] ?? 'KILL'));
    const states = await Promise.all(nodes.map(async (n) => ({ node: n.name, ...(await n.state()) })));
    return { nodes: nodes.map((n) => n.name), observed: { afterKill: states } };
  },
  async heal(env, f, effect) {
    const t0 = Date.now();
    for (const name of effect.nodes) for (const n of env.resolve(name)) await n.restart();
    return { restartedMs: Date.now() - t0 };
  },
};

/** Freezes the container's processes (cgroup freezer); heal thaws them. */
export const pause: FaultHandler = {
  kind: 'pause',
  describe: (f) => `freeze ${f.target}`,
  async inject(env, f) {
    const nodes = env.resolve(f.target);
    for (const n of nodes) await docker(['pause', n.container]);
    return { nodes: nodes.map((n) => n.name), observed: { paused: true } };
  },
  async heal(env, _f, effect) {
    for (const name of effect.nodes) for (const n of env.resolve(name)) await docker(['unpause', n.container]);
    return { unpaused: effect.nodes };
  },
};

export const BUILTIN_FAULTS: readonly FaultHandler[] = [kill, pause];

export function faultLabel(f: Fault): string { return `${f.kind}(${f.target})`; }
