import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gtidReplicaPos, replicaStates } from '../runtime/replication.js';
import type { StartedNode } from '../runtime/node.js';
import { takeSnapshot } from '../verify/index.js';
import { DATA_DIR, hashTree, MANIFEST_FORMAT, writeManifest, type Manifest } from './manifest.js';
import { artifactPath, fetchPartial, makeEnginePartial, makePartial, partialPath, removePartial, type BackupStore } from './store.js';

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
  position(
    node: StartedNode,
    hostDataDir: string,
    seen: { afterCopyGtid: string },
  ): Promise<Pick<Manifest['position'], 'gtid' | 'binlog' | 'readFrom'>>;
  /** What this method will not carry of the server as the snapshot saw it (said at backup time, kept in the manifest). */
  blindSpots?(snapshot: Manifest['snapshot']): string[];
}

/**
 * Hashes every file of a partial artifact, writes its manifest, and only then gives it its final name (the caller
 * removes the partial folder if this throws).
 */
export async function sealArtifact(
  node: StartedNode,
  store: BackupStore,
  id: string,
  p: {
    method: string;
    position: Manifest['position'];
    snapshot: Manifest['snapshot'];
    timings: Record<string, number>;
    t0: number;
    warnings?: string[];
  },
): Promise<Manifest> {
  const partial = partialPath(store, id);
  const secrets = await stripSecrets(join(partial, DATA_DIR));
  const th = Date.now();
  const files = await hashTree(join(partial, DATA_DIR));
  const checksumMs = Date.now() - th;
  const [ver] = await node.query<{ v: string }>(node.adapter.dialect.version());
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    id,
    method: p.method,
    flavor: node.adapter.flavor.id,
    serverVersion: String(ver?.v ?? ''),
    source: { node: node.name, serverId: node.serverId },
    createdAt: new Date().toISOString(),
    position: p.position,
    snapshot: p.snapshot,
    files,
    totalBytes: files.reduce((s, f) => s + f.bytes, 0),
    secrets,
    timings: { ...p.timings, checksumMs, totalMs: Date.now() - p.t0 },
    ...(p.warnings?.length ? { warnings: p.warnings } : {}),
  };
  await writeManifest(partial, manifest);
  await rename(partial, artifactPath(store, id));
  return manifest;
}

/**
 * Files of a datadir copy that carry the replication password in clear text (MariaDB's master.info and friends):
 * removed from the copy before it is hashed (a restored node is attached afresh, it never needs them). Credentials
 * that cannot be removed from a copy (MySQL keeps them in mysql.slave_master_info, inside mysql.ibd) mark the
 * artifact as secret: it stays in the private store and travels only encrypted.
 */
const SECRET_FILES = /^(master(-.+)?\.info|multi-master\.info|relay-log(-.+)?\.info)$/;
const SECRET_TABLESPACES = ['mysql.ibd'];
export async function stripSecrets(dataDir: string): Promise<NonNullable<Manifest['secrets']>> {
  const names = await readdir(dataDir).catch(() => [] as string[]);
  const stripped = names.filter((n) => SECRET_FILES.test(n));
  for (const n of stripped) await rm(join(dataDir, n), { force: true });
  const remaining = names
    .filter((n) => SECRET_TABLESPACES.includes(n))
    .map((n) => `${n} (may hold the replication password: mysql.slave_master_info)`);
  return { stripped, remaining };
}

/**
 * The replica backup protocol (seed: "continuous restore"): stop the replica's SQL thread(s) at a known GTID, take the
 * pre-backup snapshot at that point, copy the server while the SQL thread stays stopped (the IO thread keeps
 * receiving), start the SQL thread again in every case, hash every file, write the manifest, and only then give
 * the artifact its final name. A failure removes the partial artifact: nothing half-made is ever restorable.
 */
export async function backupFromReplica(
  step: CopyStep,
  node: StartedNode,
  store: BackupStore,
  id: string,
  progress: (m: string) => void = () => {},
): Promise<Manifest> {
  const d = node.adapter.dialect;
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  // Private, owned by the server's user (the clone plugin writes as mysql; exec'd tools run as root).
  const owner = await serverUser(node);
  const partial = await makePartial(store, id, owner);
  // Every channel (named connection) of the replica: one on a plain replica, one per source on a fan-in.
  const channels = [...new Set((await replicaStates(node)).map((s) => s.channel || undefined))];
  try {
    await makeEnginePartial(store, node, id, owner);
    for (const c of channels) await node.query(d.stopReplicaSqlThread(c));
    let snapshotGtid: string;
    let snapshot: Manifest['snapshot'] | undefined;
    let afterCopyGtid = '';
    try {
      snapshotGtid = await gtidReplicaPos(node);
      progress(`${node.name}: SQL thread stopped at ${snapshotGtid}; taking the pre-backup snapshot`);
      snapshot = await takeSnapshot(node);
      timings['snapshotMs'] = Date.now() - t0;
      Object.assign(
        timings,
        await step.copy(
          node,
          { inContainer: `${store.containerDir}/${id}.partial/${DATA_DIR}`, onHost: join(partial, DATA_DIR) },
          progress,
        ),
      );
      afterCopyGtid = await gtidReplicaPos(node);
    } catch (e) {
      // Restart replication all the same; the copy's error is the one reported (e.g. the node died).
      try {
        for (const c of channels) await node.query(d.startReplicaSqlThread(c));
      } catch {
        /* the copy's error says more */
      }
      throw e;
    }
    for (const c of channels) await node.query(d.startReplicaSqlThread(c));
    // On an engine that does not share this machine's files, the copy is in the store's volume: fetched now.
    const tf = Date.now();
    await fetchPartial(store, node, id);
    if (store.volume) timings['fetchMs'] = Date.now() - tf;
    const position = await step.position(node, join(partial, DATA_DIR), { afterCopyGtid });
    const warnings = step.blindSpots?.(snapshot!) ?? [];
    for (const w of warnings) progress(`${node.name}: WARNING: ${w}`);
    return await sealArtifact(node, store, id, {
      method: step.method,
      position: { ...position, snapshotGtid },
      snapshot: snapshot!,
      timings,
      t0,
      warnings,
    });
  } catch (e) {
    // Every writer must be gone first: a node killed mid-copy is waited for until its container stopped (kill()),
    // tools and the server's own copy end with their command or query. A removal that fails is a harness error.
    await removePartial(partial);
    throw e;
  }
}

/** The uid and gid the container's server runs as. */
async function serverUser(node: StartedNode): Promise<{ uid: number; gid: number } | undefined> {
  const r = await node.container.exec(['id', 'mysql'], { timeoutMs: 30_000 }).catch(() => undefined);
  const m = r && /uid=(\d+).*gid=(\d+)/.exec(r.stdout);
  return m ? { uid: Number(m[1]), gid: Number(m[2]) } : undefined;
}
