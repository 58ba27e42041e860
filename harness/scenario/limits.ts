import { FLAVORS, UsageError, type FlavorId } from '../core/index.js';
import { physicalCopyLimits, type CarryLimit } from '../restore/index.js';
import { adapterFor } from '../runtime/index.js';
import { GALERA_SEQUENCE_REFUSAL, galeraRefusedSequences, judgeNotCarried, type CheckResult } from '../verify/index.js';
import type { DatasetPlan } from '../workload/index.js';
import type { ScenarioDefinition, Step } from './types.js';

/**
 * What a drill's method cannot carry, known when it is planned (F6's drill half): a drill that copies a node
 * physically (a physical backup, a filesystem snapshot) names the dataset's tables whose rows such a copy does not
 * hold (MEMORY; with the clone plugin every non-InnoDB table), read from the dataset's CREATE TABLE statements. The
 * drill says them before it starts; its data checks set those tables' row differences aside, list them as not
 * carried (a warning), and judge the rest.
 */
export function drillLimits(def: ScenarioDefinition, flavor: FlavorId, dataset: DatasetPlan): CarryLimit[] {
  if (!def.data.dataset || !dataset.engines) return [];
  const copies = new Set(def.phases.flatMap((p) => p.steps).flatMap((s: Step) => (s.physicalCopy ? [s.physicalCopy] : [])));
  if (!copies.size) return [];
  const clone = copies.has('native') && adapterFor(FLAVORS[flavor]).physicalBackup === 'clone';
  return physicalCopyLimits(new Map(Object.entries(dataset.engines)), clone);
}

/** A drill's data checks (`<node>-data-equals-<source>`, `<node>-checksum-table`) judged without the rows not carried. */
export const judgeDrillChecks = (checks: readonly CheckResult[], limits: readonly CarryLimit[]): CheckResult[] =>
  judgeNotCarried(
    checks,
    limits.filter((l) => l.notCarried === 'rows'),
    /(^|-)(data|checksum-table)(-|$)/,
  );

/**
 * What a drill's path refuses to load, said before anything starts (F21): a Galera drill on a dataset whose
 * CREATE SEQUENCE a Galera member refuses stops here (bad input, exit 2), naming each sequence and what to change,
 * instead of at load with the server's error.
 */
export function refusePathLimits(def: ScenarioDefinition, dataset: DatasetPlan): void {
  if (def.topology.shape.kind !== 'galera' || !dataset.sequences) return;
  const refused = galeraRefusedSequences(dataset.sequences);
  if (!refused.length) return;
  throw new UsageError(
    `dataset ${dataset.name}: ${GALERA_SEQUENCE_REFUSAL}: ${refused.join(', ')}; create them NOCACHE (CACHE 0) or with INCREMENT BY 0 in the dump, as a Galera cluster needs them, or run a drill that is not Galera`,
  );
}
