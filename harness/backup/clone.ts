import { withHeartbeat } from '../exec/index.js';
import { DATA_DIR } from './manifest.js';
import { backupFromReplica, type CopyStep } from './from-replica.js';
import type { PhysicalMethod } from './method.js';

const copy: CopyStep = {
  method: 'clone',
  async copy(node, { inContainer: dir }, progress) {
    const stmt = node.adapter.dialect.cloneInto?.(dir);
    if (!stmt) throw new Error(`${node.adapter.flavor.id} has no clone plugin`);
    const t0 = Date.now();
    await withHeartbeat(progress, 'CLONE LOCAL DATA DIRECTORY', node.query(stmt));
    return { cloneMs: Date.now() - t0 };
  },
  // The SQL thread was stopped before the clone and nothing else writes to a read_only replica: the clone holds
  // exactly the snapshot's GTID set (the restore checks this on the started server).
  position: async (_node, _dir, snapshotGtid) => ({ gtid: snapshotGtid }),
};

/**
 * MySQL's physical hot backup: the clone plugin copies the replica into a directory that is a ready datadir
 * (no prepare step). auto.cnf is not cloned, so a restored server gets a new server_uuid.
 */
export const clonePlugin: PhysicalMethod = {
  name: 'clone',
  backup: (node, store, id, progress) => backupFromReplica(copy, node, store, id, progress),
  datadirAsIs: true,
  restoreSteps: (artifactMount: string) => [
    ['cp', '-a', `${artifactMount}/${DATA_DIR}/.`, '/var/lib/mysql/'],
    ['chown', '-R', 'mysql:mysql', '/var/lib/mysql'],
  ],
};
