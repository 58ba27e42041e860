import { chmod, chown, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError, waitUntil } from '../exec/index.js';

/**
 * A backup store: a host folder, mounted into backup nodes at `containerDir`. Its root can be traversed but not
 * listed by others (0711: a server's own user reaches the partial folder it owns); every artifact folder is private
 * (0700): artifacts hold data and may hold credentials.
 */
export interface BackupStore {
  hostDir: string;
  containerDir: string;
}

export async function openStore(hostDir: string): Promise<BackupStore> {
  await mkdir(hostDir, { recursive: true, mode: 0o711 });
  await chmod(hostDir, 0o711);
  return { hostDir, containerDir: '/backups' };
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
