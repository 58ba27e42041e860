import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gtidReplicaPos, replicaStates } from '../runtime/replication.js';
import type { StartedNode } from '../runtime/node.js';
import { takeSnapshot } from '../verify/index.js';
import { DATA_DIR, hashTree, MANIFEST_FORMAT, writeManifest, type Manifest } from './manifest.js';
import { artifactPath, partialPath, type BackupStore } from './store.js';

/** What a physical method does inside the common replica protocol. */
export interface CopyStep {
  method: string;
  /** Copies the server into the target folder (which must not exist yet), given as the node sees it and as the host
   * sees it; returns timings of its own. */
  copy(node: StartedNode, target: { inContainer: string; onHost: string }, progress: (m: string) => void): Promise<Record<string, number>>;
  /**
   * The GTID position of the copy, read from the copy where the tool records it (mariabackup's slave info, the
   * dump's own position line), never copied from the snapshot. A copy that records none (clone, a frozen datadir)
   * gives the server's position read again right after the copy ended (`afterCopyGtid`, the SQL thread still
   * stopped): equal to the snapshot's only if nothing moved during the whole copy; the restored server's own
   * GTID state is checked against the snapshot again after the restore.
   */
  position(node: StartedNode, hostDataDir: string, seen: { afterCopyGtid: string }): Promise<Pick<Manifest['position'], 'gtid' | 'binlog' | 'readFrom'>>;
}

/**
 * Hashes every file of a partial artifact, writes its manifest, and only then gives it its final name (the caller
 * removes the partial folder if this throws).
 */
export async function sealArtifact(node: StartedNode, store: BackupStore, id: string,
  p: { method: string; position: Manifest['position']; snapshot: Manifest['snapshot']; timings: Record<string, number>; t0: number }): Promise<Manifest> {
  const partial = partialPath(store, id);
  const th = Date.now();
  const files = await hashTree(join(partial, DATA_DIR));
  const checksumMs = Date.now() - th;
  const [ver] = await node.query<{ v: string }>(node.adapter.dialect.version());
  const manifest: Manifest = {
    format: MANIFEST_FORMAT, id, method: p.method, flavor: node.adapter.flavor.id, serverVersion: String(ver?.v ?? ''),
    source: { node: node.name, serverId: node.serverId }, createdAt: new Date().toISOString(),
    position: p.position, snapshot: p.snapshot, files, totalBytes: files.reduce((s, f) => s + f.bytes, 0),
    timings: { ...p.timings, checksumMs, totalMs: Date.now() - p.t0 },
  };
  await writeManifest(partial, manifest);
  await rename(partial, artifactPath(store, id));
  return manifest;
}

/**
 * The replica backup protocol (seed: "continuous restore"): stop the replica's SQL thread(s) at a known GTID, take the
 * pre-backup snapshot at that point, copy the server while the SQL thread stays stopped (the IO thread keeps
 * receiving), start the SQL thread again in every case, hash every file, write the manifest, and only then give
 * the artifact its final name. A failure removes the partial artifact: nothing half-made is ever restorable.
 */
export async function backupFromReplica(step: CopyStep, node: StartedNode, store: BackupStore, id: string, progress: (m: string) => void = () => {}): Promise<Manifest> {
  const d = node.adapter.dialect;
  const partial = partialPath(store, id);
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await chmod(partial, 0o777); // the server (user mysql) writes here in some methods
  // Every channel (named connection) of the replica: one on a plain replica, one per source on a fan-in.
  const channels = [...new Set((await replicaStates(node)).map((s) => s.channel || undefined))];
  try {
    for (const c of channels) await node.query(d.stopReplicaSqlThread(c));
    let snapshotGtid: string;
    let snapshot: Manifest['snapshot'] | undefined;
    let afterCopyGtid = '';
    try {
      snapshotGtid = await gtidReplicaPos(node);
      progress(`${node.name}: SQL thread stopped at ${snapshotGtid}; taking the pre-backup snapshot`);
      snapshot = await takeSnapshot(node);
      timings['snapshotMs'] = Date.now() - t0;
      Object.assign(timings, await step.copy(node, { inContainer: `${store.containerDir}/${id}.partial/${DATA_DIR}`, onHost: join(partial, DATA_DIR) }, progress));
      afterCopyGtid = await gtidReplicaPos(node);
    } catch (e) {
      // Restart replication all the same; the copy's error is the one reported (e.g. the node died).
      try { for (const c of channels) await node.query(d.startReplicaSqlThread(c)); } catch { /* the copy's error says more */ }
      throw e;
    }
    for (const c of channels) await node.query(d.startReplicaSqlThread(c));
    const position = await step.position(node, join(partial, DATA_DIR), { afterCopyGtid });
    return await sealArtifact(node, store, id, { method: step.method, position: { ...position, snapshotGtid }, snapshot: snapshot!, timings, t0 });
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}
