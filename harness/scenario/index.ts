export type {
  DrillContext,
  Step,
  Phase,
  ScenarioDefinition,
  ParamSpec,
  Params,
  ParamValue,
  TopologyPlan,
} from './types.js';
export { checkName, observationName } from './names.js';
export { ownNames } from '../runtime/config.js';
export type { OwnNames } from '../runtime/config.js';
export {
  defineScenario,
  phase,
  primaryReplicas,
  multiSource,
  galera,
  galeraWriteNodeCluster,
  groupReplicationGroup,
  datasetPlusBulk,
  tableParam,
  restoreVerifyCatchUp,
  ALL_FLAVORS,
  MARIADB_FLAVORS,
} from './define.js';
// The step library, by subject.
export * from './steps/common.js';
export * from './steps/replication.js';
export * from './steps/backup.js';
export * from './steps/restore.js';
export * from './steps/crash-loop.js';
export * from './steps/packages.js';
export * from './steps/upgrade.js';
export { concurrentReplay } from './steps/concurrent-replay.js';
export * from './steps/upgrade-params.js';
export * from './steps/upgrade-carry.js';
export * from './steps/rolling-upgrade.js';
export { wayBackRestore } from './steps/way-back.js';
export * from './steps/galera.js';
export * from './steps/pitr.js';
export * from './steps/delayed-recovery.js';
export * from './steps/failover.js';
export * from './steps/primary-fault.js';
export * from './steps/failover-params.js';
export * from './steps/failover-checks.js';
export * from './steps/galera-failover.js';
export * from './steps/galera-crashes.js';
export * from './steps/galera-upgrade.js';
export * from './steps/galera-sst-direction.js';
export * from './steps/group-replication.js';
export * from './steps/durability.js';
export * from './steps/switchover.js';
export { runScenario } from './run.js';
export { errorResult, exitCodeOf } from './outcome.js';
export { planDrill, planInputs, resolveParams } from './plan.js';
export type { DrillInputs } from './plan.js';
export { loadScenarios, findScenario, findSuite, SUITES } from './catalog.js';
