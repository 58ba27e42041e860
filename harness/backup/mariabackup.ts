import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withHeartbeat } from '../exec/index.js';
import { gtidReplicaPos } from '../runtime/replication.js';
import type { StartedNode } from '../runtime/node.js';
import { takeSnapshot } from '../verify/index.js';
import { DATA_DIR, hashTree, MANIFEST_FORMAT, writeManifest, type Manifest } from './manifest.js';
import { artifactPath, partialPath, type BackupStore } from './store.js';
import type { PhysicalMethod } from './method.js';

/** Reads the first of several files that exists (their names vary between MariaDB versions). */
async function readFirst(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const n of names) {
    try { return await readFile(join(dir, n), 'utf8'); } catch { /* try the next name */ }
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

/**
 * Hot physical backup of a replica with mariabackup (seed: "continuous restore"). The replica's SQL thread is
 * stopped at a known GTID, the pre-backup snapshot is taken at that point, and the backup is taken while the SQL
 * thread stays stopped (the IO thread keeps receiving), so snapshot and backup describe the same transaction
 * set. The SQL thread is restarted in every case.
 */
export const mariabackup: PhysicalMethod = {
  name: 'mariabackup',
  async backup(node: StartedNode, store: BackupStore, id: string, progress = () => {}): Promise<Manifest> {
    const d = node.adapter.dialect;
    const partial = partialPath(store, id);
    const inContainer = `${store.containerDir}/${id}.partial/${DATA_DIR}`;
    const timings: Record<string, number> = {};
    const t0 = Date.now();
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    try {
      await node.query(d.stopReplicaSqlThread());
      let snapshotGtid: string;
      let snapshot;
      try {
        snapshotGtid = await gtidReplicaPos(node);
        progress(`${node.name}: SQL thread stopped at ${snapshotGtid}; taking the pre-backup snapshot`);
        snapshot = await takeSnapshot(node);
        timings['snapshotMs'] = Date.now() - t0;
        const tb = Date.now();
        await withHeartbeat(progress, 'mariadb-backup --backup', node.exec(['mariadb-backup', '--backup', '--slave-info',
          '--safe-slave-backup', `--target-dir=${inContainer}`], { timeoutMs: 60 * 60_000 }));
        timings['backupMs'] = Date.now() - tb;
      } finally {
        await node.query(d.startReplicaSqlThread());
      }
      const tp = Date.now();
      await withHeartbeat(progress, 'mariadb-backup --prepare', node.exec(['mariadb-backup', '--prepare', `--target-dir=${inContainer}`], { timeoutMs: 60 * 60_000 }));
      timings['prepareMs'] = Date.now() - tp;
      const dataDir = join(partial, DATA_DIR);
      const slaveInfo = await readFirst(dataDir, ['mariadb_backup_slave_info', 'xtrabackup_slave_info']);
      const gtid = slaveInfo ? parseSlaveInfo(slaveInfo) : undefined;
      if (gtid === undefined) throw new Error(`${node.name}: backup has no slave info with gtid_slave_pos (was it taken on a replica?)`);
      const binlogText = await readFirst(dataDir, ['mariadb_backup_binlog_info', 'xtrabackup_binlog_info']);
      const th = Date.now();
      const files = await hashTree(dataDir);
      timings['checksumMs'] = Date.now() - th;
      const [ver] = await node.query<{ v: string }>(d.version());
      const binlog = binlogText ? parseBinlogInfo(binlogText) : undefined;
      const manifest: Manifest = {
        format: MANIFEST_FORMAT, id, method: 'mariabackup', flavor: node.adapter.flavor.id, serverVersion: String(ver?.v ?? ''),
        source: { node: node.name, serverId: node.serverId }, createdAt: new Date().toISOString(),
        position: { gtid, snapshotGtid, ...(binlog ? { binlog } : {}) },
        snapshot, files, totalBytes: files.reduce((s, f) => s + f.bytes, 0),
        timings: { ...timings, totalMs: Date.now() - t0 },
      };
      await writeManifest(partial, manifest);
      await rename(partial, artifactPath(store, id));
      return manifest;
    } catch (e) {
      await rm(partial, { recursive: true, force: true });
      throw e;
    }
  },
  restoreSteps: (artifactMount: string) => [
    ['mariadb-backup', '--copy-back', `--target-dir=${artifactMount}/${DATA_DIR}`, '--datadir=/var/lib/mysql'],
    ['chown', '-R', 'mysql:mysql', '/var/lib/mysql'],
  ],
};
