import type { BackupStore } from '../backup/index.js';
import { FLAVORS, UsageError, type FlavorId } from '../core/index.js';
import { validateFault } from '../faults/index.js';
import type { ServerOptions } from '../runtime/adapter.js';
import { ownNames } from '../runtime/config.js';
import type { Mount } from '../runtime/node.js';
import { converge, stopWorkload } from './steps/common.js';
import { catchUpFromSources, equalsPrimary, ledgerHolds } from './steps/replication.js';
import { restoreLatest, verifyAgainstSnapshot } from './steps/restore.js';
import { resolveParams } from './plan.js';
import type { ParamSpec, Phase, ScenarioDefinition, Step, TopologyPlan } from './types.js';

/**
 * A scenario, checked whole before anything can start (each problem a UsageError: one line, exit 2, also from a drill
 * file, which runs through tsx with its types unchecked): its id, flavors and workload; phase names are unique; every
 * fault's kind exists, its attributes are ones the kind takes with values it can use, and its target can name nodes
 * of the topology; every node a step works on is the topology's or made by an earlier step; each parameter's default
 * is a value the parameter accepts.
 */
export function defineScenario(def: ScenarioDefinition): ScenarioDefinition {
  const where = `scenario ${typeof def?.id === 'string' && def.id ? def.id : '(no id)'}`;
  const refuse = (m: string): never => {
    throw new UsageError(`${where}: ${m}`);
  };
  if (typeof def?.id !== 'string' || !/^[\w.-]+$/.test(def.id))
    refuse(`id ${JSON.stringify(def?.id)} is not a name (letters, digits, - _ .)`);
  if (!Array.isArray(def.flavors) || def.flavors.length === 0) refuse('flavors: give at least one (e.g. ALL_FLAVORS)');
  for (const f of def.flavors) if (!Object.hasOwn(FLAVORS, f)) refuse(`unknown flavor '${f}' (known: ${Object.keys(FLAVORS).join(', ')})`);
  const w = def.workload as unknown as Record<string, unknown> | undefined;
  for (const k of ['writers', 'ratePerSec'])
    if (w && w[k] !== undefined && !(typeof w[k] === 'number' && (w[k] as number) >= 0 && Number.isFinite(w[k])))
      refuse(`workload.${k} ${JSON.stringify(w[k])} is not a number of 0 or more`);
  for (const [k, p] of Object.entries(def.params ?? {})) {
    try {
      resolveParams({ ...def, params: { [k]: p } }, {});
    } catch (e) {
      refuse(`the default of parameter ${k}: ${(e as Error).message}`);
    }
  }
  if (!Array.isArray(def.phases) || def.phases.length === 0) refuse('phases: give at least one');
  const names = new Set<string>();
  const made = new Set<string>();
  for (const p of def.phases) {
    if (names.has(p.name)) refuse(`phase '${p.name}' appears twice`);
    names.add(p.name);
    for (const s of p.steps) {
      for (const f of s.faults ?? []) {
        try {
          validateFault(f, def.topology.shape);
        } catch (e) {
          refuse(`phase '${p.name}': ${(e as Error).message}`);
        }
      }
      const unknown = (s.nodes?.uses ?? []).filter((n) => !def.topology.shape.nodes.includes(n) && !made.has(n));
      if (unknown.length)
        refuse(
          `phase '${p.name}', step '${s.name}': no node ${unknown.map((n) => `'${n}'`).join(', ')} (the topology has ${def.topology.shape.nodes.join(', ')}${made.size ? `; steps before it make ${[...made].join(', ')}` : ''})`,
        );
      for (const n of s.nodes?.creates ?? []) made.add(n);
    }
  }
  return def;
}

export const phase = (name: string, steps: readonly Step[], opts: { recovery?: boolean } = {}): Phase => ({ name, steps, ...opts });

const storeMount = (s: BackupStore): Mount => ({ source: s.hostDir, target: s.containerDir, ...(s.volume ? { volume: s.volume } : {}) });

/**
 * Several primaries fanned into replicas (MariaDB named connections with one GTID domain per primary; MySQL
 * channels). Each primary's workload writes its own ledger database (drill_a, drill_b, ...).
 */
export function multiSource(p: {
  sources: readonly string[];
  replicas?: readonly string[];
  backupReplicas?: readonly string[];
}): TopologyPlan {
  const replicas = [...(p.replicas ?? []), ...(p.backupReplicas ?? [])];
  return {
    shape: { kind: 'multi-source', nodes: [...p.sources, ...replicas], replicas },
    spec: (store) => ({
      kind: 'multi-source',
      sources: p.sources.map((name, i) => ({
        name,
        ledgerDb: `${ownNames().schema}_${name.replace(/^primary-?/, '') || i + 1}`,
        gtidDomainId: i + 1,
      })),
      replicas: [
        ...(p.replicas ?? []).map((name) => ({ name })),
        ...(p.backupReplicas ?? []).map((name) => ({ name, mounts: [storeMount(store)] })),
      ],
    }),
  };
}

/** A Galera cluster (MariaDB); the write workload goes to `writeNode`. */
export function galera(p: { members: readonly string[]; writeNode: string; sst?: 'rsync' | 'mariabackup' }): TopologyPlan {
  return {
    shape: { kind: 'galera', nodes: p.members, replicas: [] },
    spec: () => ({ kind: 'galera', members: p.members, writeNode: p.writeNode, sst: p.sst ?? 'rsync' }),
  };
}

/**
 * The Galera failover drills' cluster: `members` on every MariaDB flavor, the run's dataset plus `bulkMb`, the
 * workload of primary-failover (4 writers, 200 writes/s) written to the first member (the clients' write node), so
 * the drills compare with primary-failover on the same data.
 */
export function galeraWriteNodeCluster(members: readonly string[]): Pick<ScenarioDefinition, 'flavors' | 'data' | 'topology' | 'workload'> {
  return {
    flavors: MARIADB_FLAVORS,
    data: { dataset: true, bulkMb: (p) => Number(p['bulkMb'] ?? 0) },
    topology: galera({ members, writeNode: members[0]! }),
    workload: { writers: 4, ratePerSec: 200 },
  };
}

/**
 * The Group Replication drills' group: `members` (single-primary, the first bootstraps it and is the primary) on the
 * flavors that can hold one, with the data and workload of the other failover drills, so they compare on the same data.
 */
export function groupReplicationGroup(members: readonly string[]): Pick<ScenarioDefinition, 'flavors' | 'data' | 'topology' | 'workload'> {
  return {
    flavors: Object.values(FLAVORS)
      .filter((f) => f.groupReplication)
      .map((f) => f.id),
    data: { dataset: true, bulkMb: (p) => Number(p['bulkMb'] ?? 0) },
    topology: {
      shape: { kind: 'group-replication', nodes: members, replicas: [] },
      spec: () => ({ kind: 'group-replication', members }),
    },
    workload: { writers: 4, ratePerSec: 200 },
  };
}

/** A primary with GTID replicas; backup replicas get the backup store mounted. */
export function primaryReplicas(p: {
  replicas: readonly string[];
  backupReplicas?: readonly string[];
  replicaServer?: Partial<ServerOptions>;
}): TopologyPlan {
  const server = p.replicaServer;
  const replicas = [...p.replicas, ...(p.backupReplicas ?? [])];
  return {
    shape: { kind: 'primary-replicas', nodes: ['primary', ...replicas], replicas },
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
export const ALL_FLAVORS: readonly FlavorId[] = Object.values(FLAVORS).map((f) => f.id);
export const MARIADB_FLAVORS: readonly FlavorId[] = Object.values(FLAVORS)
  .filter((f) => f.family === 'mariadb')
  .map((f) => f.id);

/**
 * The standard data: the run's dataset (`--dataset`: Sakila by default, a dump, a live server's copy, a schema with
 * generated rows) plus firedrill's generated bulk table, whose size is the `bulkMb` parameter.
 */
export function datasetPlusBulk(defaultMb = 20): Pick<ScenarioDefinition, 'params' | 'data'> {
  return {
    params: { bulkMb: { default: defaultMb, min: 0, description: 'size of the generated bulk table (MB), on top of the dataset' } },
    data: { dataset: true, bulkMb: (p) => Number(p['bulkMb'] ?? 0) },
  };
}

/**
 * A string parameter naming a table (`db.table`: names as the server stores them, spaces and hyphens included; a
 * database or table name cannot hold a dot), or `auto` for the default the drill derives.
 */
export const tableParam = (description: string, table: 'any' | 'one-column-key' = 'any'): ParamSpec => ({
  type: 'string',
  default: 'auto',
  description,
  pattern: /^(auto|[^.]+\.[^.]+)$/,
  table,
});

/** The tail of every restore drill: restore the latest artifact, verify it at the backup point, catch up, verify. */
export function restoreVerifyCatchUp(as: string, alsoConverge: readonly string[] = []): Phase[] {
  return [
    phase('restore', [restoreLatest(as)], { recovery: true }),
    phase('verify-restore', [verifyAgainstSnapshot(as)], { recovery: true }),
    phase('catch-up', [catchUpFromSources(as)], { recovery: true }),
    phase('verify', [stopWorkload(), converge([as, ...alsoConverge]), equalsPrimary(as), ledgerHolds(as)]),
  ];
}
