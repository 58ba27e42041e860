/** The pre-upgrade drill's inputs: its parameters and their checks before anything starts. */
import { flavor as flavorById, nextVersion, UsageError, type FlavorId } from '../../core/index.js';
import { loadRuleSet } from '../../verify/upgrade/index.js';
import { checkConcurrentQueries, checkQueriesOption, sessionStatements } from '../../workload/replay-input.js';
import type { ParamSpec, Params } from '../types.js';

/** Where `firedrill pre-upgrade` goes without --to. */
export const DEFAULT_UPGRADE_TARGET: FlavorId = 'mariadb-11.8';

/** The drill's target version: its `to` parameter, where 'next' (the default) is the next version of the family. */
export function upgradeTargetOf(params: Params, from: FlavorId): FlavorId {
  const to = String(params['to'] ?? 'next');
  if (to !== 'next') return flavorById(to).id;
  const next = nextVersion(from);
  if (!next) throw new UsageError(`${from} is the newest version firedrill knows: give the target (--to / --param to=)`);
  return next;
}

/**
 * The pre-upgrade drill's parameters: `to=<flavor>|next`, `queries=<file>|sample|workload`, the replay's session
 * statements (`session='SET SESSION sql_mode=…; SET …'`), runs per side and its slowness threshold, and `carryTo`.
 */
export const upgradeParams = (): Record<
  'to' | 'queries' | 'session' | 'concurrent' | 'runs' | 'slowFactor' | 'slowMs' | 'carryTo',
  ParamSpec
> => ({
  to: {
    type: 'string',
    default: 'next',
    description: "the version to upgrade to (a flavor id), or 'next': the family's next version (10.5 -> 10.11, 10.11 -> 11.8)",
  },
  queries: {
    type: 'string',
    default: 'sample',
    description:
      "the team's queries to replay on both versions: a slow query log, a general query log or a file of statements; 'sample' (a count per table of the dataset; Sakila's sample queries on Sakila) or 'workload' (the drill's own statements)",
  },
  session: {
    type: 'string',
    default: '',
    description:
      "SET statements the application runs when it connects, separated by ';' (after SET NAMES utf8mb4, which names no collation)",
  },
  concurrent: {
    type: 'string',
    default: 'off',
    pattern: /^(on|off)$/,
    description:
      "on: also replay the general log's sessions with their interleaving (one connection per thread id) on scratch copies of the latest backup, old and new version, and compare (queries must be a general log)",
  },
  runs: { default: 5, min: 1, description: 'timed runs of each read per side (after one warm-up run); their medians are compared' },
  slowFactor: { default: 2, min: 1, description: 'a read is slower when its new median exceeds the old one by this factor and by slowMs' },
  slowMs: { default: 25, min: 0, description: 'a read is slower when its new median also exceeds the old one by this many ms' },
  carryTo: {
    type: 'string',
    default: '',
    description:
      'a file to write the dataset to as the upgraded node holds it at the end, for the next step of a multi-step upgrade (firedrill pre-upgrade sets it)',
  },
});

/** Bad pre-upgrade input, before anything starts: an unknown or same target, no rules for the step, no queries file. */
export function validateUpgradeParams(params: Params, from: FlavorId): void {
  const to = upgradeTargetOf(params, from);
  if (to === from) throw new UsageError(`the upgrade goes from ${from} to the same version (--to / --param to=${to})`);
  loadRuleSet(flavorById(from), flavorById(to));
  sessionStatements(String(params['session'] ?? ''));
  checkQueriesOption(String(params['queries']));
  if (String(params['concurrent'] ?? 'off') === 'on') checkConcurrentQueries(String(params['queries']));
}

/** Bad galera-rolling-upgrade input, before anything starts: the same version, or a target that cannot run Galera. */
export function validateGaleraUpgradeParams(params: Params, from: FlavorId): void {
  const to = upgradeTargetOf(params, from);
  if (to === from) throw new UsageError(`the upgrade goes from ${from} to the same version (--param to=${to})`);
  if (!flavorById(to).galera) throw new UsageError(`${to} cannot run a Galera cluster (--param to=${to})`);
  if (flavorById(to).family !== flavorById(from).family)
    throw new UsageError(`a Galera cluster cannot mix ${from} and ${to} (--param to=${to})`);
}
