import type { BackupStore } from '../backup/index.js';
import type { ServerOptions } from '../runtime/adapter.js';
import type { Mount } from '../runtime/node.js';
import type { Phase, ScenarioDefinition, Step, TopologyPlan } from './types.js';
import { catchUpFromSources, converge, equalsPrimary, ledgerHolds, restoreLatest, stopWorkload, verifyAgainstSnapshot } from './steps.js';

export function defineScenario(def: ScenarioDefinition): ScenarioDefinition {
  const names = new Set<string>();
  for (const p of def.phases) {
    if (names.has(p.name)) throw new Error(`scenario ${def.id}: phase '${p.name}' appears twice`);
    names.add(p.name);
  }
  return def;
}

export const phase = (name: string, steps: readonly Step[], opts: { recovery?: boolean } = {}): Phase => ({ name, steps, ...opts });

const storeMount = (s: BackupStore): Mount => ({ source: s.hostDir, target: s.containerDir });

/**
 * Several primaries fanned into replicas (MariaDB named connections with one GTID domain per primary; MySQL
 * channels). Each primary's workload writes its own ledger database (drill_a, drill_b, ...).
 */
export function multiSource(p: { sources: readonly string[]; replicas?: readonly string[]; backupReplicas?: readonly string[] }): TopologyPlan {
  return {
    spec: (store) => ({
      kind: 'multi-source',
      sources: p.sources.map((name, i) => ({ name, ledgerDb: `drill_${name.replace(/^primary-?/, '') || i + 1}`, gtidDomainId: i + 1 })),
      replicas: [
        ...(p.replicas ?? []).map((name) => ({ name })),
        ...(p.backupReplicas ?? []).map((name) => ({ name, mounts: [storeMount(store)] })),
      ],
    }),
  };
}

/** A Galera cluster (MariaDB); the write workload goes to `writeNode`. */
export function galera(p: { members: readonly string[]; writeNode: string; sst?: 'rsync' | 'mariabackup' }): TopologyPlan {
  return { spec: () => ({ kind: 'galera', members: p.members, writeNode: p.writeNode, sst: p.sst ?? 'rsync' }) };
}

/** A primary with GTID replicas; backup replicas get the backup store mounted. */
export function primaryReplicas(p: { replicas: readonly string[]; backupReplicas?: readonly string[]; replicaServer?: Partial<ServerOptions> }): TopologyPlan {
  const server = p.replicaServer;
  return {
    spec: (store) => ({
      kind: 'primary-replicas',
      replicas: [
        ...p.replicas.map((name) => ({ name, server })),
        ...(p.backupReplicas ?? []).map((name) => ({ name, server, mounts: [storeMount(store)] })),
      ],
    }),
  };
}

/** Every flavor, and the MariaDB ones (Galera, mariabackup, upgrades). */
export const ALL_FLAVORS = ['mariadb-10.11', 'mariadb-11.8', 'mysql-9.7'] as const;
export const MARIADB_FLAVORS = ['mariadb-10.11', 'mariadb-11.8'] as const;

/** The standard data: Sakila plus a generated bulk table whose size is the `bulkMb` parameter. */
export function sakilaPlusBulk(defaultMb = 20): Pick<ScenarioDefinition, 'params' | 'data'> {
  return {
    params: { bulkMb: { default: defaultMb, min: 0, description: 'size of the generated bulk table (MB)' } },
    data: { sakila: true, bulkMb: (p) => p['bulkMb']! },
  };
}

/** The tail of every restore drill: restore the latest artifact, verify it at the backup point, catch up, verify. */
export function restoreVerifyCatchUp(as: string, alsoConverge: readonly string[] = []): Phase[] {
  return [
    phase('restore', [restoreLatest(as)], { recovery: true }),
    phase('verify-restore', [verifyAgainstSnapshot(as)], { recovery: true }),
    phase('catch-up', [catchUpFromSources(as)], { recovery: true }),
    phase('verify', [stopWorkload(), converge([as, ...alsoConverge]), equalsPrimary(as), ledgerHolds(as)]),
  ];
}
