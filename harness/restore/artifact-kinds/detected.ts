/**
 * What a backup is, found from its own contents: Vitess's BackupRestoreEngine picks the engine from the MANIFEST; a
 * backup without a manifest is recognised by what its tool leaves in it. Each kind is one detector file of this
 * folder, listed in registry.ts; this file holds what they share: the detected artifact, the bad-input error, and
 * the small readers of version strings, tool times and file times.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../../backup/index.js';
import { UsageError, type Family } from '../../core/index.js';

/** What a backup is; 'in-object-store' only for one that could not be read out of object storage (missing, damaged). */
type ArtifactKind =
  | 'firedrill-artifact'
  | 'firedrill-package'
  | 'mariabackup'
  | 'mbstream'
  | 'mysql-clone'
  | 'datadir'
  | 'dump'
  | 'mydumper'
  | 'in-object-store';

export interface DetectedArtifact {
  kind: ArtifactKind;
  path: string;
  /** One line for people: "an unprepared mariabackup directory (MariaDB 10.11.18)". */
  description: string;
  family?: Family;
  /** Server version the backup was taken from (x.y.z), when the backup says. */
  version?: string;
  /** When the backup was taken, and where that was read. */
  createdAt?: string;
  createdAtFrom?: string;
  /** The GTID position the backup records, when it records one. */
  gtid?: string;
  // mariabackup
  prepared?: boolean;
  lsn?: { from: number; to: number; last: number };
  /** A chain given as a folder: the full backup's own directory (path is the folder). */
  fullPath?: string;
  incrementals?: DetectedArtifact[];
  // dumps
  compression?: 'none' | 'gzip' | 'zstd';
  /** Databases the dump creates (its "Current Database" lines; a mydumper folder's `db-schema-create.sql` files). */
  dumpDatabases?: string[];
  /** Set when the dump is damaged or incomplete: a bad backup (exit 1), not bad input. */
  damaged?: string;
  bytes?: number;
  manifest?: Manifest;
}

/** A path that is not a backup firedrill can restore, or one of the wrong flavor: exit 2 with this line. */
export class NotABackupError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'NotABackupError';
  }
}

/**
 * One kind of backup: what it looks at (a folder or a file) and how it recognises one. `detect` returns undefined
 * for something else; `lacking` says what was not found, for the "not a backup" line.
 */
export interface ArtifactDetector {
  on: 'directory' | 'file';
  lacking?: string;
  /** `magic`: a file's first 16 bytes (empty for a folder). */
  detect(path: string, magic: Buffer): Promise<DetectedArtifact | undefined>;
}

export const exists = async (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** "10.11.18-MariaDB-0+deb12u1-log" → { family, version: '10.11.18' }. */
export function parseServerVersion(text: string): { family: Family; version: string } | undefined {
  const m = /(\d+\.\d+\.\d+)/.exec(text);
  if (!m) return undefined;
  return { family: /mariadb/i.test(text) ? 'mariadb' : 'mysql', version: m[1]! };
}

/** A local time as the tools write it ("2026-11-29 06:54:41", "2026-11-29  6:54:52") read in this machine's zone. */
export function parseToolTime(text: string): string | undefined {
  const m = /(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2}):(\d{2})/.exec(text);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

async function newestMtime(dir: string, depth = 2): Promise<number> {
  let t = (await stat(dir)).mtimeMs;
  if (depth === 0) return t;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, await newestMtime(p, depth - 1));
    else if (e.isFile()) t = Math.max(t, (await stat(p)).mtimeMs);
  }
  return t;
}

/** When a backup without a recorded time was made: its files' modification time. */
export async function fileTime(path: string): Promise<{ createdAt: string; createdAtFrom: string }> {
  const st = await stat(path);
  if (st.isDirectory())
    return { createdAt: new Date(await newestMtime(path)).toISOString(), createdAtFrom: "the files' modification time" };
  return { createdAt: st.mtime.toISOString(), createdAtFrom: "the file's modification time" };
}

/** A file of a folder as text, or undefined when it cannot be read. */
export const readText = (dir: string, name: string) => readFile(join(dir, name), 'utf8').catch(() => undefined);
