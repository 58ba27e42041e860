import { chmod, chown, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError, waitUntil } from '../exec/index.js';
import { copyOutOf, filesAreCopied } from '../runtime/mounts.js';
import type { StartedNode } from '../runtime/node.js';
import type { RunContext } from '../runtime/run-context.js';

/**
 * A backup store: a host folder, mounted into backup nodes at `containerDir`. Its root can be traversed but not
 * listed by others (0711: a server's own user reaches the partial folder it owns); every artifact folder is private
 * (0700): artifacts hold data and may hold credentials. On an engine that does not share this machine's files,
 * `volume` (a volume of the run) is mounted instead: a copy is made there and fetched into `hostDir` (fetchPartial),
 * where it is hashed, sealed and kept as on the local engine.
 */
export interface BackupStore {
  hostDir: string;
  containerDir: string;
  volume?: string;
}

/** Opens the store; given the run, on an engine that copies files, with the labelled volume that stands for it there. */
export async function openStore(hostDir: string, run?: RunContext): Promise<BackupStore> {
  await mkdir(hostDir, { recursive: true, mode: 0o711 });
  await chmod(hostDir, 0o711);
  const volume = run && (await filesAreCopied()) ? await run.volume('store') : undefined;
  return { hostDir, containerDir: '/backups', ...(volume ? { volume } : {}) };
}

/** The partial folder as the backup node sees it in the store's volume (made afresh, private, owned by `owner`). */
export async function makeEnginePartial(store: BackupStore, node: StartedNode, id: string, owner?: { uid: number; gid: number }) {
  if (!store.volume) return;
  const dir = `${store.containerDir}/${checkArtifactId(id)}.partial`;
  await node.container.exec(['rm', '-rf', dir], { timeoutMs: 10 * 60_000 });
  await node.container.exec(['install', '-d', '-m', '0700', ...(owner ? ['-o', String(owner.uid), '-g', String(owner.gid)] : []), dir]);
}

/**
 * Brings the copy a backup node wrote into the store's volume to the harness's partial folder (through the engine,
 * an archive stream), then frees the volume of it. Nothing to do when the store is shared with the node.
 */
export async function fetchPartial(store: BackupStore, node: StartedNode, id: string): Promise<void> {
  if (!store.volume) return;
  const dir = `${store.containerDir}/${checkArtifactId(id)}.partial`;
  await copyOutOf(node.container.name, `${dir}/.`, partialPath(store, id));
  await node.container.exec(['rm', '-rf', dir], { timeoutMs: 10 * 60_000 });
}

/** Artifact ids are made by the harness; one that is not a plain name is refused before it becomes a path. */
function checkArtifactId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(id) || id.includes('..')) throw new Error(`not an artifact id: ${JSON.stringify(id)}`);
  return id;
}

export const artifactPath = (store: BackupStore, id: string) => join(store.hostDir, checkArtifactId(id));
/** Where an artifact is built; only a complete, verified artifact is renamed to its final name. */
export const partialPath = (store: BackupStore, id: string) => join(store.hostDir, `${checkArtifactId(id)}.partial`);

/**
 * Creates the partial folder of an artifact, private (0700), owned by `owner` when the copy is written by a server
 * process running as another user (the clone plugin writes as the container's mysql user).
 */
export async function makePartial(store: BackupStore, id: string, owner?: { uid: number; gid: number }): Promise<string> {
  const partial = partialPath(store, id);
  await removePartial(partial);
  await mkdir(partial, { mode: 0o700 });
  await chmod(partial, 0o700);
  if (owner) await chown(partial, owner.uid, owner.gid);
  return partial;
}

/**
 * Removes a half-made artifact. The caller has made sure every writer is gone (a killed node's container has
 * stopped); a file still appearing meanwhile (ENOTEMPTY) is retried until the deadline, and a folder that cannot be
 * removed is a harness error (exit 2), never a silent leftover a later restore could pick up.
 */
export async function removePartial(path: string, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    async () => {
      await rm(path, { recursive: true, force: true });
      return stat(path).then(
        () => false,
        () => true,
      );
    },
    Boolean,
    { what: `the half-made artifact ${path} to be removed`, timeoutMs, intervalMs: 200 },
  ).catch((e: Error) => {
    throw new HarnessError(`could not remove the half-made artifact ${path}: ${e.message}`, { cause: e });
  });
}
