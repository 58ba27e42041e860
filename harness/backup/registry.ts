import type { StartedNode } from '../runtime/node.js';
import { clonePlugin } from './clone.js';
import { fsSnapshot } from './fs-snapshot.js';
import { galeraSnapshot } from './galera-snapshot.js';
import { DUMP_FILE, logicalBackup } from './logical.js';
import { DATA_DIR, type Manifest } from './manifest.js';
import { mariabackup } from './mariabackup.js';
import type { BackupStore } from './store.js';

/**
 * How an artifact becomes a server again. `datadir`: commands run in one-shot containers (the artifact mounted
 * read-only at `artifactMount`) that leave a ready datadir at /var/lib/mysql; `load`: a SQL dump (path inside the
 * artifact) loaded into a fresh server through its own client with binary logging off.
 */
type RestoreRecipe =
  | {
      kind: 'datadir';
      steps(artifactMount: string): string[][];
      /** The artifact's data folder is a ready datadir as it is: a restore may copy it itself (harness/restore/copy-back.ts) instead of running the steps. */
      asIs?: boolean;
    }
  | { kind: 'load'; dumpFile: string };

/**
 * One backup method: how it is taken, and how its artifact is restored. Physical and logical methods sit in one
 * registry; a restore picks its method from the artifact's manifest (`method`), as Vitess's BackupRestoreEngine is
 * chosen from the MANIFEST, never from what the caller believes it holds.
 */
export interface BackupMethod {
  name: string;
  kind: 'physical' | 'logical';
  take(node: StartedNode, store: BackupStore, id: string, progress?: (m: string) => void): Promise<Manifest>;
  restore: RestoreRecipe;
  /** What the method's artifact does not hold, with the reason: said before the restore, and not compared after it. */
  notCarried?: { accounts?: string };
}

const datadir = (steps: (mount: string) => string[][], asIs?: boolean): RestoreRecipe => ({ kind: 'datadir', steps, asIs });

const REGISTRY: readonly BackupMethod[] = [
  {
    name: mariabackup.name,
    kind: 'physical',
    take: mariabackup.backup,
    restore: datadir(mariabackup.restoreSteps, mariabackup.datadirAsIs),
  },
  {
    name: clonePlugin.name,
    kind: 'physical',
    take: clonePlugin.backup,
    restore: datadir(clonePlugin.restoreSteps, clonePlugin.datadirAsIs),
  },
  { name: fsSnapshot.name, kind: 'physical', take: fsSnapshot.backup, restore: datadir(fsSnapshot.restoreSteps, fsSnapshot.datadirAsIs) },
  // The desynced Galera member's snapshot is a crash-consistent datadir copy: restored like a filesystem snapshot.
  {
    name: 'galera-snapshot',
    kind: 'physical',
    take: (n, s, id, p) => galeraSnapshot(n, s, id, p),
    restore: datadir(fsSnapshot.restoreSteps, fsSnapshot.datadirAsIs),
  },
  {
    name: 'logical',
    kind: 'logical',
    take: logicalBackup,
    restore: { kind: 'load', dumpFile: `${DATA_DIR}/${DUMP_FILE}` },
    notCarried: {
      accounts:
        "a dump of the dataset's databases (mariadb-dump / mysqldump --databases) holds no mysql schema: the server's accounts, roles and grants are not in it (re-create them, or dump them apart: mariadb-dump --system=users on MariaDB; SHOW CREATE USER and SHOW GRANTS for each account on MySQL)",
    },
  },
];

/** Every backup method firedrill can take and restore. */
export const backupMethods = (): readonly BackupMethod[] => REGISTRY;

/** The method that made an artifact, by the name its manifest records. */
export function backupMethod(name: string): BackupMethod {
  const m = REGISTRY.find((x) => x.name === name);
  if (!m) throw new Error(`unknown backup method '${name}' (known: ${REGISTRY.map((x) => x.name).join(', ')})`);
  return m;
}

/** The method that restores an artifact, chosen from its manifest. */
export const methodOf = (manifest: Pick<Manifest, 'method'>): BackupMethod => backupMethod(manifest.method);
