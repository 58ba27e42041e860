import { withHeartbeat } from '../exec/index.js';
import type { StartedNode } from '../runtime/node.js';
import { databasesInScope } from '../verify/index.js';
import { backupFromReplica, type CopyStep } from './from-replica.js';
import type { Manifest } from './manifest.js';
import type { BackupStore } from './store.js';

export const DUMP_FILE = 'dump.sql';

const copy: CopyStep = {
  method: 'logical',
  async copy(node, { inContainer: dir }, progress) {
    const dbs = await databasesInScope(node);
    await node.container.exec(['mkdir', '-p', dir]);
    const t0 = Date.now();
    await withHeartbeat(progress, 'logical dump', node.container.exec(node.adapter.logicalDump(dbs, `${dir}/${DUMP_FILE}`), { timeoutMs: 60 * 60_000 }));
    return { dumpMs: Date.now() - t0 };
  },
  // Taken with the replica's SQL thread(s) stopped: the dump holds exactly the snapshot's GTID position.
  position: async (_node, _dir, snapshotGtid) => ({ gtid: snapshotGtid }),
};

/** Logical dump of a replica (mariadb-dump / mysqldump --single-transaction, routines, events, triggers). */
export function logicalBackup(node: StartedNode, store: BackupStore, id: string, progress?: (m: string) => void): Promise<Manifest> {
  return backupFromReplica(copy, node, store, id, progress);
}
