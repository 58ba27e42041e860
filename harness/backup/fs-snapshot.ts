import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec/index.js';
import { UsageError } from '../core/index.js';
import { inspect } from '../runtime/docker.js';
import { filesAreCopied } from '../runtime/mounts.js';
import { backupSql } from '../sql/index.js';
import { DATA_DIR } from './manifest.js';
import { backupFromReplica, type CopyStep } from './from-replica.js';
import type { PhysicalMethod } from './method.js';
import type { StartedNode } from '../runtime/node.js';

/** Files that must not travel with a datadir copy: a server's identity (seed mysqlbackup.py leaves out auto.cnf). */
const IDENTITY_FILES = ['auto.cnf'];
/** How long FLUSH TABLES WITH READ LOCK may wait for running statements. */
const LOCK_TIMEOUT_MS = 5 * 60_000;

/**
 * Lock, flush, sync, freeze, copy the datadir volume, thaw, unlock; `underLock` runs while writes are blocked (to
 * read the position the copy holds). Files that carry a server's identity are left out of the copy.
 */
export async function lockedVolumeCopy(
  node: StartedNode,
  onHost: string,
  progress: (m: string) => void,
  opts: { leaveOut?: readonly string[]; underLock?: () => Promise<void>; beforeUnlock?: () => Promise<void> } = {},
): Promise<Record<string, number>> {
  if (await filesAreCopied())
    throw new UsageError(
      `${node.name}: the fs-snapshot method copies the datadir volume's folder on this machine, which a remote engine does not share (docs/engines.md)`,
    );
  const vol = await inspect<{ Mountpoint: string }>('volume', node.volume);
  const conn = await node.connect();
  const t0 = Date.now();
  try {
    // FLUSH TABLES WITH READ LOCK waits for every running statement: bounded, and the error says what it waited for.
    await conn.query(backupSql.flushTablesWithReadLock(), { timeoutMs: LOCK_TIMEOUT_MS }).catch((e: Error) => {
      throw new Error(
        `${node.name}: FLUSH TABLES WITH READ LOCK did not return within ${LOCK_TIMEOUT_MS / 1000} s (a long statement holds it?): ${e.message}`,
        { cause: e },
      );
    });
    const lockedAt = Date.now();
    await opts.underLock?.();
    await node.container.exec(['sync']);
    await node.container.pause(); // the freeze (xfs_freeze in the seed): nothing in the server touches a file now
    const tc = Date.now();
    try {
      progress(`${node.name}: writes blocked and server frozen: copying its datadir volume`);
      await run(['cp', '-a', `${vol.Mountpoint}/.`, `${onHost}/`], { timeoutMs: 60 * 60_000 });
    } finally {
      await node.container.unpause(); // the thaw
    }
    const copyMs = Date.now() - tc;
    await opts.beforeUnlock?.();
    await conn.query(backupSql.unlockTables(), { timeoutMs: 60_000 });
    const writesBlockedMs = Date.now() - lockedAt;
    for (const f of [...IDENTITY_FILES, ...(opts.leaveOut ?? [])]) await rm(join(onHost, f), { force: true });
    return { lockAndFlushMs: lockedAt - t0, copyMs, writesBlockedMs };
  } finally {
    conn.destroy();
  }
}

const copy: CopyStep = {
  method: 'fs-snapshot',
  copy: (node, { onHost }, progress) => lockedVolumeCopy(node, onHost, progress),
  // The copy's GTID state lives in its InnoDB tables: the point is the server's, read again once the copy ended; the
  // drill checks it equals the snapshot's (nothing moved during the copy), the restored server checks it again.
  position: async (_node, _dir, { afterCopyGtid }) => ({
    gtid: afterCopyGtid,
    readFrom: 'the server right after the copy ended (SQL thread still stopped); the restored server checks it again',
  }),
};

/**
 * The seed's EBS/LVM snapshot pattern: FLUSH TABLES WITH READ LOCK, sync, freeze (the container is frozen with
 * docker pause, as xfs_freeze freezes a filesystem), copy the datadir volume, thaw, UNLOCK TABLES. How long writes
 * were blocked is recorded. The copy is crash-consistent: a restored server runs InnoDB recovery on start.
 */
export const fsSnapshot: PhysicalMethod = {
  name: 'fs-snapshot',
  backup: (node, store, id, progress) => backupFromReplica(copy, node, store, id, progress),
  datadirAsIs: true,
  restoreSteps: (artifactMount: string) => [
    ['cp', '-a', `${artifactMount}/${DATA_DIR}/.`, '/var/lib/mysql/'],
    ['chown', '-R', 'mysql:mysql', '/var/lib/mysql'],
  ],
};
