import { docker } from './docker.js';
import type { RunContext } from './run-context.js';

export interface StartedNetwork { name: string }

/** Creates the run's bridge network (labelled, removed at teardown). */
export async function startNetwork(run: RunContext, suffix = 'net'): Promise<StartedNetwork> {
  const name = run.name(suffix);
  await docker(['network', 'create', ...run.labelArgs(), name]);
  run.onTeardown(`remove network ${name}`, async () => { await docker(['network', 'rm', name]); });
  return { name };
}
