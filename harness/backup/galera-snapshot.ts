import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { galeraState, isSynced, waitGalera } from '../runtime/galera.js';
import type { StartedNode } from '../runtime/node.js';
import { galeraSql } from '../sql/index.js';
import { takeSnapshot } from '../verify/index.js';
import { lockedVolumeCopy } from './fs-snapshot.js';
import { sealArtifact } from './from-replica.js';
import { DATA_DIR, type Manifest } from './manifest.js';
import { makePartial, removePartial, type BackupStore } from './store.js';

/** Files of a Galera datadir that belong to the running member, not to its data: the gcache and the view state. */
const MEMBER_FILES = ['galera.cache', 'gvwstate.dat'];

/** The cluster state uuid a grastate.dat records. */
export function grastateUuid(text: string): string | undefined {
  return /^uuid:\s*([0-9a-f-]{36})\s*$/m.exec(text)?.[1];
}

export interface GaleraSnapshotHooks {
  locked?: () => void;
  unlocking?: () => void;
}

/**
 * The seed's snapshot pattern on a Galera member: desync it (wsrep_desync: the cluster's flow control no longer waits
 * for it), FLUSH TABLES WITH READ LOCK, read the Galera position (uuid:seqno) and the verify snapshot under the lock,
 * sync, freeze, copy the datadir volume, thaw, unlock, resync and wait until it is Synced again. The copy is crash-
 * consistent (grastate seqno -1): a server started on it recovers its position with --wsrep-recover and joins by
 * IST from there if a member's gcache still holds the writesets since, by SST otherwise.
 */
export async function galeraSnapshot(
  node: StartedNode,
  store: BackupStore,
  id: string,
  progress: (m: string) => void = () => {},
  hooks: GaleraSnapshotHooks = {},
): Promise<Manifest> {
  const t0 = Date.now();
  const partial = await makePartial(store, id);
  await mkdir(join(partial, DATA_DIR));
  try {
    // Only a Synced member holds the cluster's data (e.g. one just restarted may still be receiving IST).
    await waitGalera(node, 'to be Synced before the snapshot', isSynced, { timeoutS: 300 });
    await node.query(galeraSql.setDesync(true));
    let position = '';
    let afterCopy = '';
    let snapshot: Manifest['snapshot'] | undefined;
    let timings: Record<string, number>;
    try {
      await waitGalera(node, 'to be desynced', (s) => /Desynced/i.test(s.localState), { timeoutS: 30 });
      progress(`${node.name}: desynced from the cluster; locking`);
      timings = await lockedVolumeCopy(node, join(partial, DATA_DIR), progress, {
        leaveOut: MEMBER_FILES,
        underLock: async () => {
          hooks.locked?.();
          const s = await galeraState(node);
          position = `${s.stateUuid}:${s.lastCommitted}`;
          snapshot = await takeSnapshot(node);
        },
        beforeUnlock: async () => {
          hooks.unlocking?.();
          const s = await galeraState(node);
          afterCopy = String(s.lastCommitted);
        },
      });
    } finally {
      await node.query(galeraSql.setDesync(false));
    }
    const t1 = Date.now();
    await waitGalera(node, 'to resync after the snapshot', (s) => s.localState === 'Synced', { timeoutS: 120 });
    // The copy's own cluster state uuid (grastate.dat; its seqno is -1 in a crash-consistent copy) and the seqno the
    // member had once the copy ended, still locked: equal to the snapshot's only if nothing moved during the copy.
    const uuid = grastateUuid(await readFile(join(partial, DATA_DIR, 'grastate.dat'), 'utf8').catch(() => ''));
    return await sealArtifact(node, store, id, {
      method: 'galera-snapshot',
      snapshot: snapshot!,
      position: {
        gtid: `${uuid ?? '(no grastate.dat uuid)'}:${afterCopy}`,
        snapshotGtid: position,
        readFrom: "uuid from the copy's grastate.dat, seqno read under the lock after the copy",
      },
      timings: { ...timings, resyncMs: Date.now() - t1 },
      t0,
    });
  } catch (e) {
    await removePartial(partial);
    throw e;
  }
}
