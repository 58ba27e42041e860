import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Snapshot } from '../verify/index.js';

export const MANIFEST_FORMAT = 'firedrill-artifact/1';
export const MANIFEST_FILE = 'manifest.json';
export const DATA_DIR = 'data';

export interface ArtifactFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** Describes a finished artifact: what it is, where it stands (GTID), the pre-backup snapshot, every file's hash. */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  id: string;
  method: string;
  flavor: string;
  serverVersion: string;
  source: { node: string; serverId: number };
  createdAt: string;
  /** `gtid`: the artifact's own point; `snapshotGtid`: the server's, read when the snapshot was taken; `readFrom`:
   * where `gtid` was read (e.g. the dump's own position line), so a report says what the equality proves. */
  position: { gtid: string; snapshotGtid: string; readFrom?: string; binlog?: { file: string; pos: number; gtid?: string } };
  snapshot: Snapshot;
  files: ArtifactFile[];
  totalBytes: number;
  timings: Record<string, number>;
  /** Credentials: files removed from the copy before hashing, and what still holds some (the artifact is then secret). */
  secrets?: { stripped: string[]; remaining: string[] };
  /** What the method is known not to carry for this server's data (e.g. a clone's non-InnoDB tables), said at backup time. */
  warnings?: string[];
}

const STREAM_ABOVE = 4 << 20;

export async function sha256File(path: string, size?: number): Promise<string> {
  const h = createHash('sha256');
  // Small files in one read (most of a datadir's files are small: one round trip each), large ones streamed.
  if (size !== undefined && size <= STREAM_ABOVE) return h.update(await readFile(path)).digest('hex');
  for await (const chunk of createReadStream(path, { highWaterMark: STREAM_ABOVE })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Every regular file under dir; a symlink or special file is an error (an artifact holds regular files only). */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
    else
      throw new Error(
        `${p} is not a regular file (${e.isSymbolicLink() ? 'symlink' : 'special file'}): an artifact holds regular files only`,
      );
  }
  return out;
}

/** Files hashed at once: keeps the file system's round trips overlapped (hashing itself is one core's work). */
const HASH_CONCURRENCY = 8;

/** Hashes every file under `root` (paths relative to it, sorted). */
export async function hashTree(root: string): Promise<ArtifactFile[]> {
  const files = (await walk(root)).sort();
  const out: ArtifactFile[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const f = files[i]!;
      const bytes = (await stat(f)).size;
      out[i] = { path: relative(root, f), bytes, sha256: await sha256File(f, bytes) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, files.length) }, worker));
  return out;
}

export async function writeManifest(dir: string, m: Manifest): Promise<void> {
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(m, null, 2) + '\n');
}

export function parseManifest(text: string): Manifest {
  const m = JSON.parse(text) as Partial<Manifest>;
  if (m.format !== MANIFEST_FORMAT) throw new Error(`not a firedrill manifest (format ${String(m.format)})`);
  for (const k of ['id', 'method', 'flavor', 'position', 'files', 'snapshot'] as const) {
    if (m[k] === undefined) throw new Error(`manifest lacks '${k}'`);
  }
  if (!Array.isArray(m.files)) throw new Error('manifest files is not a list');
  for (const f of m.files) {
    // Names are compared, never joined into paths; still, a manifest naming a path outside its folder is not ours.
    if (typeof f.path !== 'string' || f.path.startsWith('/') || f.path.split('/').some((c) => c === '..' || c === '')) {
      throw new Error(`manifest lists a bad file path ${JSON.stringify(f.path)}`);
    }
  }
  return m as Manifest;
}

export async function readManifest(dir: string): Promise<Manifest> {
  return parseManifest(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
}
