import type { StartedNode } from '../runtime/node.js';
import type { Manifest } from './manifest.js';
import type { BackupStore } from './store.js';

/**
 * A physical backup method: how an artifact is taken from a node, and the commands that turn an artifact
 * (mounted read-only at `artifactMount`) into a ready datadir at /var/lib/mysql in a one-shot container.
 */
export interface PhysicalMethod {
  name: string;
  backup(node: StartedNode, store: BackupStore, id: string, progress?: (m: string) => void): Promise<Manifest>;
  restoreSteps(artifactMount: string): string[][];
  /** The artifact's data folder is a ready datadir as it is: a restore may copy it itself (fast path) instead of
   * running `restoreSteps`. */
  datadirAsIs?: boolean;
}
