// firedrill's public API: what a drill file of your own imports (`import { … } from 'firedrill'`). A drill is a
// runbook: a topology, a workload, phases of steps (faults, backups, restores, checks), the node whose ledger is the
// RPO. `firedrill run ./path/to/drill.ts` runs one; folders listed in firedrill.config.json ("drillFolders") join
// `firedrill list` and suites.

// Defining a drill: the definition, phases, topologies, the standard data, parameters, flavors.
export {
  defineScenario,
  phase,
  primaryReplicas,
  multiSource,
  galera,
  datasetPlusBulk,
  tableParam,
  restoreVerifyCatchUp,
  ALL_FLAVORS,
  MARIADB_FLAVORS,
} from './scenario/index.js';
export type { ScenarioDefinition, Phase, Step, DrillContext, ParamSpec, Params, ParamValue, TopologyPlan } from './scenario/index.js';

// Steps: faults (inject, whileFaulted), load, backups, restores, catch-up, and the checks (equalsPrimary,
// ledgerHolds, noErrant, verifyAgainstSnapshot, ...): every runbook line firedrill's own drills use. `step(name, fn)`
// makes one of your own.
export * from './scenario/steps/common.js';
export * from './scenario/steps/replication.js';
export * from './scenario/steps/backup.js';
export * from './scenario/steps/restore.js';
export * from './scenario/steps/crash-loop.js';
export * from './scenario/steps/packages.js';
export * from './scenario/steps/upgrade.js';
export * from './scenario/steps/upgrade-params.js';
export * from './scenario/steps/rolling-upgrade.js';
export * from './scenario/steps/galera.js';
export * from './scenario/steps/pitr.js';
export { checkName, observationName } from './scenario/index.js';

// Faults are data: { kind, target, ...attributes }; targets are node names or roles.
export type {
  Fault,
  FaultKind,
  KillFault,
  WipeDatadirFault,
  DestroyFault,
  PauseFault,
  PartitionFault,
  CrashTriggerFault,
  Selector,
} from './faults/index.js';
export { faultKinds, ROLES } from './faults/index.js';

// Checks a custom step can record (verdicts with details; they never stop at the first difference).
export { check, compareServers, compareData, takeSnapshot, compareSnapshots, tablesHealthy } from './verify/index.js';
export type { CheckResult, Difference } from './verify/index.js';

// The names firedrill gives its own objects (config "ownSchema", "accounts"), and the flavors.
export { ownNames } from './scenario/index.js';
export type { OwnNames } from './scenario/index.js';
export { FLAVORS } from './core/index.js';
export type { FlavorId } from './core/index.js';
