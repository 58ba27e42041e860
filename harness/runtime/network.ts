import { randomInt } from 'node:crypto';
import { ExecError } from '../exec/index.js';
import { docker } from './docker.js';
import type { RunContext } from './run-context.js';

export interface StartedNetwork {
  name: string;
  /** The first three octets of the network's /24 when it has a fixed subnet (nodes then get static addresses). */
  prefix?: string;
}

/**
 * Creates the run's bridge network (labelled, removed at teardown). With `fixedSubnet`, a free /24 is chosen so
 * nodes can have static addresses (Galera's gcomm:// list must not depend on DNS of stopped containers).
 */
export async function startNetwork(run: RunContext, opts: { suffix?: string; fixedSubnet?: boolean } = {}): Promise<StartedNetwork> {
  const name = run.name(opts.suffix ?? 'net');
  const prefix = await createBridgeNetwork(name, run.labelArgs(), opts.fixedSubnet ?? false);
  run.onTeardown(`remove network ${name}`, async () => {
    await docker(['network', 'rm', name]);
  });
  return { name, prefix };
}

/**
 * Creates a labelled bridge network; with `fixedSubnet`, on a free /24 (tried again on an overlap) whose first three
 * octets it returns.
 */
export async function createBridgeNetwork(name: string, labelArgs: readonly string[], fixedSubnet: boolean): Promise<string | undefined> {
  for (let attempt = 0; ; attempt++) {
    const prefix = fixedSubnet ? `172.${randomInt(20, 31)}.${randomInt(0, 256)}` : undefined;
    try {
      await docker(['network', 'create', ...labelArgs, ...(prefix ? ['--subnet', `${prefix}.0/24`] : []), name]);
      return prefix;
    } catch (e) {
      if (prefix && attempt < 20 && e instanceof ExecError && /overlap/i.test(e.stderrTail)) continue;
      throw e;
    }
  }
}
