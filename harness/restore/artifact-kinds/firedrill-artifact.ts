/** A firedrill artifact: a folder with firedrill's manifest (method, flavor, position, files and their sha256). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, parseManifest, type Manifest } from '../../backup/index.js';
import { type ArtifactDetector, exists, NotABackupError, parseServerVersion } from './detected.js';

export const firedrillArtifact: ArtifactDetector = {
  on: 'directory',
  lacking: 'no firedrill manifest',
  async detect(dir) {
    if (!(await exists(join(dir, MANIFEST_FILE)))) return undefined;
    let m: Manifest;
    try {
      m = parseManifest(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
    } catch (e) {
      throw new NotABackupError(`${dir}: ${MANIFEST_FILE} is not a firedrill manifest (${(e as Error).message})`);
    }
    const sv = parseServerVersion(m.serverVersion);
    return {
      kind: 'firedrill-artifact',
      path: dir,
      description: `a firedrill artifact (method ${m.method}, ${m.flavor})`,
      family: sv?.family,
      version: sv?.version,
      createdAt: m.createdAt,
      createdAtFrom: 'the manifest (createdAt)',
      gtid: m.position.gtid,
      manifest: m,
    };
  },
};
