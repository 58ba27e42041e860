import { FLAVORS, UsageError, type FlavorId } from '../core/index.js';
import { logicalDumpLimits, physicalCopyLimits, type CarryLimit } from '../restore/index.js';
import { adapterFor } from '../runtime/index.js';
import { GALERA_SEQUENCE_REFUSAL, galeraRefusedSequences, judgeNotCarried, type CheckResult } from '../verify/index.js';
import type { DatasetPlan } from '../workload/index.js';
import type { ScenarioDefinition, Step } from './types.js';

/**
 * What a drill's method cannot carry, known when it is planned (F6's drill half, F32): a drill that copies a node
 * physically (a physical backup, a filesystem snapshot) or restarts one (an in-place upgrade) names the dataset's
 * tables whose rows such a copy or restart does not hold (MEMORY; with the clone plugin every non-InnoDB table); a
 * drill that dumps a node logically names, for the nodes restored from that dump, the tables whose FLOAT values it
 * rounds and whose system-versioned history it leaves out. All read from the dataset's CREATE TABLE statements. The
 * drill says them before it starts; its data checks set those differences aside, list them as not carried (a
 * warning), and judge the rest.
 */
export function drillLimits(def: ScenarioDefinition, flavor: FlavorId, dataset: DatasetPlan): CarryLimit[] {
  if (!def.data.dataset || !dataset.engines) return [];
  const engines = new Map(Object.entries(dataset.engines));
  const steps = def.phases.flatMap((p) => p.steps);
  const copies = new Set(steps.flatMap((s: Step) => (s.physicalCopy ? [s.physicalCopy] : [])));
  const clone = copies.has('native') && adapterFor(FLAVORS[flavor]).physicalBackup === 'clone';
  const out = copies.size || steps.some((s) => s.restartsNode) ? physicalCopyLimits(engines, clone) : [];
  const fromDump = nodesRestoredFromDump(steps);
  if (fromDump) {
    const floats = new Set(dataset.floatTables ?? []);
    const versioned = new Set(dataset.versionedTables ?? []);
    const tables = [...new Set([...floats, ...versioned])].map((table) => ({
      table,
      engine: engines.get(table) ?? '?',
      float: floats.has(table),
      versioned: versioned.has(table),
    }));
    out.push(...logicalDumpLimits(tables, false).map((l) => (fromDump.length ? { ...l, nodes: fromDump } : l)));
  }
  return out.sort((a, b) => a.table.localeCompare(b.table));
}

/** The nodes a drill restores after its last logical dump (undefined: it dumps nothing; empty: it restores none). */
function nodesRestoredFromDump(steps: readonly Step[]): string[] | undefined {
  let dumped = false;
  let latest: 'physical' | 'logical' | undefined;
  const nodes: string[] = [];
  for (const s of steps) {
    if (s.physicalCopy) latest = 'physical';
    if (s.logicalCopy) latest = 'logical';
    dumped ||= !!s.logicalCopy;
    if (latest === 'logical' && !s.restoresPhysical) nodes.push(...(s.nodes?.creates ?? []));
  }
  return dumped ? nodes : undefined;
}

/** The checks that compare rows: `<node>-data-equals-<source>`, `<node>-checksum-table`, and pre-upgrade's
 * `after-<switchover>-<node>-equals-<primary>` (checkName.equalsAfter). */
const DATA_CHECK = /(^|-)(data|checksum-table)(-|$)|^after-[a-z]+-.+-equals-/;
const names = (check: string, node: string) => new RegExp(`(^|-)${node.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(-|$)`).test(check);

/** A drill's data checks judged without what its methods do not carry (a limit of some nodes: their checks only). */
export const judgeDrillChecks = (checks: readonly CheckResult[], limits: readonly CarryLimit[]): CheckResult[] =>
  checks.flatMap((c) =>
    judgeNotCarried(
      [c],
      limits.filter((l) => !l.nodes || l.nodes.some((n) => names(c.name, n))),
      DATA_CHECK,
    ),
  );

/**
 * What a drill's path refuses to load, said before anything starts (F21): a Galera drill on a dataset whose
 * CREATE SEQUENCE a Galera member refuses stops here (bad input, exit 2), naming each sequence and what to change,
 * instead of at load with the server's error.
 */
export function refusePathLimits(def: ScenarioDefinition, dataset: DatasetPlan): void {
  if (def.topology.shape.kind === 'group-replication') refuseGroupReplicationTables(dataset);
  if (def.topology.shape.kind !== 'galera' || !dataset.sequences) return;
  const refused = galeraRefusedSequences(dataset.sequences);
  if (!refused.length) return;
  throw new UsageError(
    `dataset ${dataset.name}: ${GALERA_SEQUENCE_REFUSAL}: ${refused.join(', ')}; create them NOCACHE (CACHE 0) or with INCREMENT BY 0 in the dump, as a Galera cluster needs them, or run a drill that is not Galera`,
  );
}

/**
 * A Group Replication group refuses every write to a table without a PRIMARY KEY (it certifies rows by key) or not
 * InnoDB: such a dataset stops before anything starts (bad input, exit 2), naming the tables (from its CREATE TABLE
 * statements; a live source's keys are not known before loading).
 */
function refuseGroupReplicationTables(dataset: DatasetPlan): void {
  const noKey = Object.entries(dataset.primaryKeys ?? {})
    .filter(([, n]) => n === 0)
    .map(([t]) => t)
    .sort();
  const notInnodb = Object.entries(dataset.engines ?? {})
    .filter(([, e]) => e.toLowerCase() !== 'innodb')
    .map(([t, e]) => `${t} (${e})`)
    .sort();
  if (!noKey.length && !notInnodb.length) return;
  const said = [
    ...(noKey.length ? [`tables without a PRIMARY KEY: ${noKey.join(', ')}`] : []),
    ...(notInnodb.length ? [`tables not InnoDB: ${notInnodb.join(', ')}`] : []),
  ];
  throw new UsageError(
    `dataset ${dataset.name}: MySQL Group Replication refuses writes to ${said.join('; ')}; give each a PRIMARY KEY and ENGINE=InnoDB in the dump, or run a drill that is not Group Replication`,
  );
}
