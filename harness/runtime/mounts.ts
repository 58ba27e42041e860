import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, posix } from 'node:path';
import { docker } from './docker.js';
import { currentEngine, type Engine } from './engine.js';
import type { RunContext } from './run-context.js';

/**
 * A harness folder (or file) a container needs at `target`; `source` may also name a volume of the run (no path:
 * mounted as it is on every engine).
 */
export interface Mount {
  source: string;
  target: string;
  readOnly?: boolean;
  /**
   * A volume of the run that stands for `source` on an engine that does not share this machine's files: mounted
   * instead, and the caller moves files between it and `source` itself (the backup store, the binlog archive).
   */
  volume?: string;
}

/** How harness folders reach containers: bind mounts (the engine shares this machine's files) or archive copies. */
export type FilesHow = 'mounted' | 'copied';

export const filesHow = (engine: Engine): FilesHow => (engine.remote ? 'copied' : 'mounted');

/** Whether the current engine gets harness folders as archive copies (a remote engine) rather than bind mounts. */
export const filesAreCopied = async (): Promise<boolean> => filesHow(await currentEngine()) === 'copied';

/** The `docker create` options of a container's mounts, and what moves files through the engine around its run. */
export interface PlacedMounts {
  args: string[];
  /** After `docker create`, before the start: every harness folder and file copied into the container. */
  fill(): Promise<void>;
  /** Once the command has ended (the container may have stopped): every writable harness folder copied back. */
  drain(): Promise<void>;
  /** Removes the volumes made for the copies (after the container is gone); teardown removes them otherwise. */
  release(): Promise<void>;
}

const noop = async () => {};
let made = 0;

/**
 * Places harness paths into a container. On an engine that shares this machine's files (the local dockerd, a local
 * rootless or Podman socket) they are bind-mounted, as always. On one that does not (tcp://, ssh://: the engine would
 * mount a path of its own host, empty), each folder becomes a labelled volume of the run filled through `docker cp`
 * into the created container before it starts and read back from it after (also once it stopped), and a file is
 * copied into the container's own file system: nothing a container writes reaches the backup on the harness's side.
 */
export async function placeMounts(run: RunContext, container: string, mounts: readonly Mount[], how?: FilesHow): Promise<PlacedMounts> {
  const mode = how ?? filesHow(await currentEngine());
  if (mode === 'mounted' || mounts.length === 0)
    return {
      args: mounts.flatMap((m) => ['-v', `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`]),
      fill: noop,
      drain: noop,
      release: noop,
    };
  const args: string[] = [];
  const fills: Array<() => Promise<void>> = [];
  const drains: Array<() => Promise<void>> = [];
  const volumes: string[] = [];
  for (const m of mounts) {
    if (!isAbsolute(m.source)) {
      args.push('-v', `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`);
      continue;
    }
    if (m.volume) {
      args.push('-v', `${m.volume}:${m.target}`);
      continue;
    }
    const st = await stat(m.source).catch(() => undefined);
    if (st?.isFile()) {
      fills.push(() => copyInto(container, m.source, m.target));
      continue;
    }
    // Mounted writable even for a read-only input: the volume is filled through this container, and is a copy.
    const volume = await run.volume(`files-${++made}`);
    volumes.push(volume);
    args.push('-v', `${volume}:${m.target}`);
    if (st?.isDirectory() && (await readdir(m.source)).length) fills.push(() => copyInto(container, `${m.source}/.`, m.target));
    if (!m.readOnly) drains.push(() => copyOutOf(container, `${m.target}/.`, m.source));
  }
  return {
    args,
    fill: async () => {
      for (const f of fills) await f();
    },
    drain: async () => {
      for (const d of drains) await d();
    },
    release: async () => {
      if (volumes.length) await docker(['volume', 'rm', '-f', ...volumes]);
    },
  };
}

/**
 * Read-only inputs for a container started in one call (`docker run`, whose start cannot wait for a copy): on an
 * engine that copies files, each folder (or a file, with the folder of its `target` then dedicated to it) goes into a
 * labelled volume of the run first, through a helper container that is created, given the files and removed unstarted.
 */
export async function prefilledMounts(run: RunContext, image: string, mounts: readonly Mount[], how?: FilesHow): Promise<string[]> {
  const mode = how ?? filesHow(await currentEngine());
  if (mode === 'mounted') return mounts.flatMap((m) => ['-v', `${m.source}:${m.target}:ro`]);
  const args: string[] = [];
  for (const m of mounts) {
    const file = (await stat(m.source)).isFile();
    const volume = await run.volume(`files-${++made}`);
    const at = file ? posix.dirname(m.target) : m.target;
    const helper = run.name(`fill-${made}`);
    run.onTeardown(`remove container ${helper}`, async () => {
      await docker(['rm', '-f', helper]);
    });
    await docker(['create', '--name', helper, ...run.labelArgs(), '-v', `${volume}:/fill`, image, 'true']);
    try {
      await copyInto(helper, file ? m.source : `${m.source}/.`, file ? `/fill/${posix.basename(m.target)}` : '/fill');
    } finally {
      await docker(['rm', '-f', helper]);
    }
    args.push('-v', `${volume}:${at}:ro`);
  }
  return args;
}

/**
 * Copies a harness file or folder (`dir/.`: its contents) into a container, created or running, through the engine
 * (a tar stream); `target` is a path in the container, a folder that exists for `dir/.`.
 */
export async function copyInto(container: string, source: string, target: string): Promise<void> {
  await docker(['cp', source, `${container}:${posix.normalize(target)}`], { timeoutMs: 60 * 60_000 });
}

/** Copies a container's file or folder (`dir/.`: its contents) to a harness path, also from a stopped container. */
export async function copyOutOf(container: string, source: string, target: string): Promise<void> {
  await docker(['cp', `${container}:${source}`, target], { timeoutMs: 60 * 60_000 });
}
