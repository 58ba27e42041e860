import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A backup store: a host folder, mounted into backup nodes at `containerDir`. */
export interface BackupStore { hostDir: string; containerDir: string }

export async function openStore(hostDir: string): Promise<BackupStore> {
  await mkdir(hostDir, { recursive: true });
  return { hostDir, containerDir: '/backups' };
}

export const artifactPath = (store: BackupStore, id: string) => join(store.hostDir, id);
/** Where an artifact is built; only a complete, verified artifact is renamed to its final name. */
export const partialPath = (store: BackupStore, id: string) => join(store.hostDir, `${id}.partial`);
