import type { BaseFault, FaultEffect, FaultEnv } from './types.js';

/** The heal of faults that leave nodes down: start them again, unless the fault says `restart: false`. */
export const restartNodes =
  (timingKey: string) =>
  async (env: FaultEnv, f: BaseFault & { restart?: boolean }, effect: FaultEffect): Promise<Record<string, unknown>> => {
    if (f.restart === false) return { note: 'left down for the recovery procedure' };
    const t0 = Date.now();
    for (const name of effect.nodes) for (const n of env.resolve(name)) await n.restart();
    return { [timingKey]: Date.now() - t0 };
  };
