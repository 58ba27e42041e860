import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withHeartbeat } from '../exec/index.js';
import { DATA_DIR } from './manifest.js';
import { backupFromReplica, type CopyStep } from './from-replica.js';
import type { PhysicalMethod } from './method.js';

/** Reads the first of several files that exists (their names vary between MariaDB versions). */
export async function readFirst(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const n of names) {
    try {
      return await readFile(join(dir, n), 'utf8');
    } catch {
      /* try the next name */
    }
  }
  return undefined;
}

export function parseSlaveInfo(text: string): string | undefined {
  return /gtid_slave_pos\s*=\s*'([^']*)'/i.exec(text)?.[1];
}
export function parseBinlogInfo(text: string): { file: string; pos: number; gtid?: string } | undefined {
  const [file, pos, gtid] = text.trim().split(/\s+/);
  if (!file || !pos) return undefined;
  return { file, pos: Number(pos), ...(gtid ? { gtid } : {}) };
}

const copy: CopyStep = {
  method: 'mariabackup',
  async copy(node, { inContainer: dir }, progress) {
    const tb = Date.now();
    await withHeartbeat(
      progress,
      'mariadb-backup --backup',
      node.container.exec(['mariadb-backup', '--backup', '--user=root', '--slave-info', '--safe-slave-backup', `--target-dir=${dir}`], {
        timeoutMs: 60 * 60_000,
      }),
    );
    const tp = Date.now();
    await withHeartbeat(
      progress,
      'mariadb-backup --prepare',
      node.container.exec(['mariadb-backup', '--prepare', `--target-dir=${dir}`], { timeoutMs: 60 * 60_000 }),
    );
    return { backupMs: tp - tb, prepareMs: Date.now() - tp };
  },
  async position(node, dataDir) {
    const slaveInfo = await readFirst(dataDir, ['mariadb_backup_slave_info', 'xtrabackup_slave_info']);
    const gtid = slaveInfo ? parseSlaveInfo(slaveInfo) : undefined;
    if (gtid === undefined) throw new Error(`${node.name}: backup has no slave info with gtid_slave_pos (was it taken on a replica?)`);
    const binlogText = await readFirst(dataDir, ['mariadb_backup_binlog_info', 'xtrabackup_binlog_info']);
    const binlog = binlogText ? parseBinlogInfo(binlogText) : undefined;
    return { gtid, readFrom: 'mariabackup slave info (gtid_slave_pos) in the artifact', ...(binlog ? { binlog } : {}) };
  },
};

/** Hot physical backup of a MariaDB replica with mariadb-backup (--slave-info --safe-slave-backup), prepared. */
export const mariabackup: PhysicalMethod = {
  name: 'mariabackup',
  backup: (node, store, id, progress) => backupFromReplica(copy, node, store, id, progress),
  datadirAsIs: true,
  restoreSteps: (artifactMount: string) => [
    ['mariadb-backup', '--copy-back', `--target-dir=${artifactMount}/${DATA_DIR}`, '--datadir=/var/lib/mysql'],
    ['chown', '-R', 'mysql:mysql', '/var/lib/mysql'],
  ],
};
