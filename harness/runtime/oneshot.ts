import { docker, putAllFiles, type ContainerFiles } from './docker.js';
import { copyInto, placeMounts, type Mount } from './mounts.js';
import type { TopologyContext } from './context.js';
import type { RunResult } from '../exec/index.js';

const ONE_SHOT_TIMEOUT_MS = 60 * 60_000;

/**
 * Runs one command in a throw-away container of the run's image, with a datadir volume mounted if given (labelled
 * with the run, removed when done): how datadirs are prepared, inspected or repaired while their server is down,
 * and how the flavor's tools read files of the backup store (binlogs). The container is created, registered for
 * removal, then started attached: a timed-out or interrupted harness removes it (killing the command), never
 * leaves it running (`docker run --rm` would outlive a killed client).
 */
export async function oneShot(
  ctx: TopologyContext,
  p: {
    name: string;
    volume?: string;
    argv: readonly string[];
    mounts?: readonly Mount[];
    /** Harness folders whose contents are copied into the created container before it starts (through the engine). */
    copyIn?: ReadonlyArray<{ source: string; target: string }>;
    /** Files put into the created container from memory before it starts (option files: never on the host). */
    files?: readonly ContainerFiles[];
    timeoutMs?: number;
    /** Runs in that container's network namespace with these capabilities (e.g. NET_ADMIN to set its packet filter). */
    netnsOf?: { container: string; capAdd: readonly string[] };
  },
): Promise<RunResult> {
  const name = ctx.run.name(p.name);
  const mounts = await placeMounts(ctx.run, name, p.mounts ?? []);
  const remove = async () => {
    await docker(['rm', '-f', '-v', name]);
    await mounts.release();
  };
  ctx.run.onTeardown(`remove one-shot container ${name}`, remove);
  await docker([
    'create',
    '--name',
    name,
    ...ctx.run.labelArgs(),
    '-e',
    'FIREDRILL_EMPTY_DATADIR=1',
    ...(p.volume ? ['-v', `${p.volume}:/var/lib/mysql`] : []),
    ...mounts.args,
    ...(p.netnsOf ? ['--network', `container:${p.netnsOf.container}`, ...p.netnsOf.capAdd.flatMap((c) => ['--cap-add', c])] : []),
    ctx.image,
    ...p.argv,
  ]);
  try {
    await mounts.fill();
    for (const c of p.copyIn ?? []) await copyInto(name, `${c.source}/.`, c.target);
    await putAllFiles(name, p.files);
    // `docker start -a` exits with the container's exit code (an ExecError names it, with the output's tail).
    const r = await docker(['start', '-a', name], { timeoutMs: p.timeoutMs ?? ONE_SHOT_TIMEOUT_MS });
    await mounts.drain();
    return r;
  } finally {
    await remove().catch(() => undefined);
  }
}
