import { withHeartbeat } from '../exec/index.js';
import { DATA_DIR } from './manifest.js';
import { backupFromReplica, type CopyStep } from './from-replica.js';
import type { PhysicalMethod } from './method.js';
import type { Snapshot } from '../verify/index.js';

/**
 * The clone plugin copies InnoDB only: measured on MySQL 9.7, a MyISAM table comes back with its definition and no
 * rows. Each such table of the snapshot is named at backup time (the restore drills then prove the loss).
 */
export function cloneBlindSpots(snapshot: Snapshot): string[] {
  const out: string[] = [];
  for (const [key, def] of Object.entries(snapshot.objects)) {
    if (!key.startsWith('TABLE ')) continue;
    const engine = /\bENGINE\s*=\s*(\w+)/i.exec(def)?.[1];
    if (!engine || /^innodb$/i.test(engine)) continue;
    const rows = snapshot.tables[key.slice('TABLE '.length)]?.rows?.n;
    out.push(
      `${key.slice('TABLE '.length)} is ${engine}${rows !== undefined ? ` (${rows} rows)` : ''}: the clone plugin copies InnoDB data only, so it restores empty; convert it to InnoDB or back it up with a logical dump`,
    );
  }
  return out;
}

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
  blindSpots: cloneBlindSpots,
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
