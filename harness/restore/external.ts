import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Family, Flavor } from '../core/index.js';
import { type DetectedArtifact, NotABackupError } from './artifact-kinds/detected.js';
import { withIncrementals } from './artifact-kinds/mariabackup-chain.js';
import { ARTIFACT_DETECTORS } from './artifact-kinds/registry.js';

/**
 * What a backup made outside firedrill (or by firedrill) is, found from its own contents by the detectors of
 * artifact-kinds/ (one file per kind, listed in its registry.ts); the restore then picks its method from this.
 */
export type { DetectedArtifact } from './artifact-kinds/detected.js';
export { NotABackupError } from './artifact-kinds/detected.js';

/** The first 16 bytes of a file (its magic). */
async function magicOf(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(16);
    const { bytesRead } = await fh.read(b, 0, 16, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Finds what an artifact is. `incrementals` (mariabackup --incremental-dir folders) make a chain with the full
 * backup at `path`. Throws NotABackupError (exit 2) for anything that is not a backup.
 */
export async function detectArtifact(path: string, incrementals: readonly string[] = []): Promise<DetectedArtifact> {
  const p = resolve(path);
  const st = await stat(p).catch(() => undefined);
  if (!st) throw new NotABackupError(`${path}: no such file or directory`);
  const on = st.isDirectory() ? 'directory' : st.isFile() ? 'file' : undefined;
  if (!on) throw new NotABackupError(`${path} is not a file or a directory`);
  const magic = on === 'file' ? await magicOf(p) : Buffer.alloc(0);
  const detectors = ARTIFACT_DETECTORS.filter((d) => d.on === on);
  let a: DetectedArtifact | undefined;
  for (const d of detectors) {
    a = await d.detect(p, magic);
    if (a) break;
  }
  if (!a)
    throw new NotABackupError(
      `${p} is not a backup: ${detectors
        .map((d) => d.lacking)
        .filter(Boolean)
        .join(', ')}`,
    );
  return incrementals.length ? withIncrementals(a, incrementals, path) : a;
}

const series = (v: string) => v.split('.').slice(0, 2).map(Number) as [number, number];
const cmpSeries = (a: string, b: string) => {
  const [x, y] = series(a);
  const [p, q] = series(b);
  return x !== p ? x - p : y - q;
};
/** The version series a flavor runs ('mariadb-10.11' → '10.11'). */
const flavorSeries = (f: Flavor) => f.id.replace(/^[a-z]+-/, '');

/**
 * Refuses an artifact the flavor cannot restore (exit 2): the other server family, a newer version than the
 * flavor's, or a mariabackup of another series (mariadb-backup prepares only backups of its own series).
 */
export function checkFlavor(a: DetectedArtifact, f: Flavor): void {
  const name = (fam: Family) => (fam === 'mariadb' ? 'MariaDB' : 'MySQL');
  if (a.family && a.family !== f.family) {
    throw new NotABackupError(
      `${a.path} is ${a.description}: a ${name(a.family)} backup cannot be restored with --flavor ${f.id} (${name(f.family)})`,
    );
  }
  if (!a.version) return;
  const fs = flavorSeries(f);
  const physicalMaria =
    a.kind === 'mariabackup' || a.kind === 'mbstream' || (a.kind === 'firedrill-artifact' && a.manifest?.method === 'mariabackup');
  if (physicalMaria && cmpSeries(a.version, fs) !== 0) {
    throw new NotABackupError(
      `${a.path} is ${a.description}: mariadb-backup restores only backups of its own series; use the flavor of ${a.version.split('.').slice(0, 2).join('.')} (--flavor ${f.family}-${a.version.split('.').slice(0, 2).join('.')}), not ${f.id}`,
    );
  }
  if (cmpSeries(a.version, fs) > 0) {
    throw new NotABackupError(
      `${a.path} is ${a.description}: a backup of ${name(a.family ?? f.family)} ${a.version} cannot be restored on the older ${f.id} (no downgrades)`,
    );
  }
}
