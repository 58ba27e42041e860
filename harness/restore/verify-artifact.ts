import { join } from 'node:path';
import { DATA_DIR, hashTree, readManifest, scanTree, type Manifest } from '../backup/index.js';

/** An artifact a restore must not use: every problem found is listed. */
export class ArtifactRejectedError extends Error {
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`artifact ${dir} refused: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`);
    this.name = 'ArtifactRejectedError';
  }
}

/**
 * Checks an artifact before any server is touched: a readable manifest listing at least one file, every file present
 * with the size and sha256 the manifest records, no file it does not list, and nothing but regular files and folders
 * (a symlink or a special file would be followed or copied by the restore).
 */
export async function verifyArtifact(dir: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = await readManifest(dir);
  } catch (e) {
    throw new ArtifactRejectedError(dir, [`manifest unreadable: ${e instanceof Error ? e.message : String(e)}`]);
  }
  const problems: string[] = [];
  if (manifest.files.length === 0) problems.push('the manifest lists no file');
  const tree = await scanTree(dir).catch(() => ({ files: [], special: [] }));
  for (const s of tree.special) problems.push(`${s.path}: a ${s.type}, not a regular file`);
  const actual = new Map((tree.special.length ? [] : await hashTree(join(dir, DATA_DIR)).catch(() => [])).map((f) => [f.path, f]));
  if (tree.special.length === 0) {
    for (const f of manifest.files) {
      const a = actual.get(f.path);
      if (!a) problems.push(`${f.path}: missing`);
      else if (a.bytes !== f.bytes) problems.push(`${f.path}: ${a.bytes} bytes, manifest says ${f.bytes}`);
      else if (a.sha256 !== f.sha256) problems.push(`${f.path}: sha256 differs from the manifest`);
      actual.delete(f.path);
    }
    for (const p of actual.keys()) problems.push(`${p}: not in the manifest`);
  }
  if (problems.length) throw new ArtifactRejectedError(dir, problems);
  return manifest;
}
