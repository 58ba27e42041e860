/** A firedrill package: one file, FDPKG and its version digit, then the artifact (zstd + AES-256-GCM). */
import { stat } from 'node:fs/promises';
import { type ArtifactDetector, fileTime } from './detected.js';

/** Every version of firedrill's package format starts with FDPKG, its version digit and a newline. */
const FDPKG = Buffer.from('FDPKG');

export const firedrillPackage: ArtifactDetector = {
  on: 'file',
  lacking: 'not a firedrill package',
  async detect(path, magic) {
    if (!magic.subarray(0, FDPKG.length).equals(FDPKG) || !/^\d\n$/.test(magic.subarray(FDPKG.length, FDPKG.length + 2).toString('latin1')))
      return undefined;
    return {
      kind: 'firedrill-package',
      path,
      description: 'a firedrill artifact package (zstd + AES-256-GCM)',
      bytes: (await stat(path)).size,
      ...(await fileTime(path)),
    };
  },
};
