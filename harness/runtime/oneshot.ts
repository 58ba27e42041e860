import { docker } from './docker.js';
import type { TopologyContext } from './context.js';
import type { RunResult } from '../exec/index.js';

/**
 * Runs one command in a throw-away container of the run's image, with a datadir volume mounted if given (labelled
 * with the run, removed when done): how datadirs are prepared, inspected or repaired while their server is down,
 * and how the flavor's tools read files of the backup store (binlogs).
 */
export async function oneShot(ctx: TopologyContext, p: { name: string; volume?: string; argv: readonly string[]; mounts?: ReadonlyArray<{ source: string; target: string; readOnly?: boolean }> }): Promise<RunResult> {
  return docker(['run', '--rm', '--name', ctx.run.name(p.name), ...ctx.run.labelArgs(), '-e', 'FIREDRILL_EMPTY_DATADIR=1',
    ...(p.volume ? ['-v', `${p.volume}:/var/lib/mysql`] : []), ...(p.mounts ?? []).flatMap((m) => ['-v', `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`]),
    ctx.image, ...p.argv], { timeoutMs: 60 * 60_000 });
}
