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
  // A clone records its GTID state inside the cloned InnoDB tables only (performance_schema.clone_status stays empty
  // for a local clone): the point is the server's, read again once the clone ended; the drill checks it equals the
  // snapshot's (nothing moved during the copy), and the restored server's gtid_executed is checked against both.
  position: async (_node, _dir, { afterCopyGtid }) => ({
    gtid: afterCopyGtid,
    readFrom: 'the server right after the clone ended (SQL thread still stopped); the restored server checks it again',
  }),
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
