/**
 * Every kind of backup restore-test recognises, in the order they are tried: a new kind is one detector file in this
 * folder and its line here (then its restore, in restore-test-datadir.ts, restore-test-load.ts or restore-test-myloader.ts).
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
import { mydumper } from './mydumper.js';

export const ARTIFACT_DETECTORS: readonly ArtifactDetector[] = [
  // folders
  firedrillArtifact,
  mariabackup,
  mysqlClone,
  datadirCopy,
  mydumper,
  mariabackupChain,
  // files: by their first bytes, the dump (which reads the whole file) last
  firedrillPackage,
  mbstream,
  dump,
];
