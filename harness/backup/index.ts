import type { FlavorAdapter } from '../runtime/adapter.js';
import { clonePlugin } from './clone.js';
import { fsSnapshot } from './fs-snapshot.js';
import { mariabackup } from './mariabackup.js';
import type { PhysicalMethod } from './method.js';

export type { PhysicalMethod } from './method.js';
export type { Manifest, ArtifactFile } from './manifest.js';
export { readManifest, parseManifest, hashTree, sha256File, MANIFEST_FILE, DATA_DIR, MANIFEST_FORMAT } from './manifest.js';
export { openStore, artifactPath, partialPath } from './store.js';
export type { BackupStore } from './store.js';
export { parseSlaveInfo, parseBinlogInfo } from './mariabackup.js';
export { logicalBackup, DUMP_FILE } from './logical.js';

/** Every physical method, by the name a manifest records. */
const PHYSICAL_METHODS: readonly PhysicalMethod[] = [mariabackup, clonePlugin, fsSnapshot];

/** The physical backup method the flavor's adapter names: mariabackup on MariaDB, the clone plugin on MySQL. */
export function physicalMethodFor(adapter: Pick<FlavorAdapter, 'physicalBackup'>): PhysicalMethod {
  return methodByName(adapter.physicalBackup);
}

/** Physical methods that work on every flavor. */
export const FS_SNAPSHOT: PhysicalMethod = fsSnapshot;

/** The method that made an artifact, by the name its manifest records. */
export function methodByName(name: string): PhysicalMethod {
  const m = PHYSICAL_METHODS.find((x) => x.name === name);
  if (!m) throw new Error(`unknown backup method '${name}'`);
  return m;
}
export { packArtifact, unpackArtifact, copyPackage, loadKey, keyFingerprint, sidecarOf, PackageRejectedError, PACKAGE_FORMAT } from './package.js';
export type { PackageInfo } from './package.js';
export { BinlogStream } from './binlog-stream.js';
export type { StreamRestart } from './binlog-stream.js';
export { parseBinlogText, parseBinlogTextFile, BinlogTextParser, eventTime } from './binlog-events.js';
export type { BinlogTransaction } from './binlog-events.js';
export { galeraSnapshot } from './galera-snapshot.js';
