import type { FlavorAdapter } from '../runtime/adapter.js';
import { fsSnapshot } from './fs-snapshot.js';
import type { PhysicalMethod } from './method.js';
import { backupMethod } from './registry.js';

export type { PhysicalMethod } from './method.js';
export type { Manifest, ArtifactFile } from './manifest.js';
export { readManifest, parseManifest, hashTree, MANIFEST_FILE, DATA_DIR, MANIFEST_FORMAT } from './manifest.js';
export { openStore, artifactPath, partialPath } from './store.js';
export type { BackupStore } from './store.js';
export { parseSlaveInfo, parseBinlogInfo, readFirst } from './mariabackup.js';
export { logicalBackup } from './logical.js';

/** The physical backup method the flavor's adapter names: mariabackup on MariaDB, the clone plugin on MySQL. */
export function physicalMethodFor(adapter: Pick<FlavorAdapter, 'physicalBackup'>): PhysicalMethod {
  return methodByName(adapter.physicalBackup);
}

/** Physical methods that work on every flavor. */
export const FS_SNAPSHOT: PhysicalMethod = fsSnapshot;

/** The physical method that made an artifact, by the name its manifest records (from the one registry). */
export function methodByName(name: string): PhysicalMethod {
  const m = backupMethod(name);
  if (m.restore.kind !== 'datadir') throw new Error(`backup method '${name}' is ${m.kind}, not a physical copy`);
  const steps = m.restore.steps;
  return { name: m.name, backup: m.take, restoreSteps: steps, datadirAsIs: m.restore.asIs };
}
export { backupMethods, methodOf } from './registry.js';
export { copyPackage, PackageRejectedError, dataOffset, scanTree } from './package.js';
export { keyIfGiven, loadKey } from './package-crypto.js';
export { packArtifact, resealSidecar } from './package-pack.js';
export { unpackArtifact } from './package-unpack.js';
export { BinlogStream } from './binlog-stream.js';
export { parseBinlogTextFile, eventTime } from './binlog-events.js';
export type { BinlogTransaction } from './binlog-events.js';
export { galeraSnapshot } from './galera-snapshot.js';
export { isS3Url } from './s3-url.js';
