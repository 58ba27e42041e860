/**
 * Every kind of backup restore-test recognises, in the order they are tried: a new kind is one detector file in this
 * folder and its line here (then its restore, in restore-test-datadir.ts or restore-test-load.ts).
 */
import type { ArtifactDetector } from './detected.js';
import { datadirCopy } from './datadir.js';
import { dump } from './dump.js';
import { firedrillArtifact } from './firedrill-artifact.js';
import { firedrillPackage } from './firedrill-package.js';
import { mariabackup } from './mariabackup.js';
import { mariabackupChain } from './mariabackup-chain.js';
import { mbstream } from './mbstream.js';
import { mysqlClone } from './mysql-clone.js';

export const ARTIFACT_DETECTORS: readonly ArtifactDetector[] = [
  // folders
  firedrillArtifact,
  mariabackup,
  mysqlClone,
  datadirCopy,
  mariabackupChain,
  // files: by their first bytes, the dump (which reads the whole file) last
  firedrillPackage,
  mbstream,
  dump,
];
