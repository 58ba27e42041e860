export type { DrillContext, Step, Phase, ScenarioDefinition, ParamSpec, Params, TopologyPlan, UpgradeOptions } from './types.js';
export type { DrillState, Accident, PitrRecovery } from './state.js';
export { checkName, observationName } from './names.js';
export { defineScenario, phase, primaryReplicas, multiSource, galera, sakilaPlusBulk, restoreVerifyCatchUp, ALL_FLAVORS, MARIADB_FLAVORS } from './define.js';
// The step library, by subject.
export * from './steps/common.js';
export * from './steps/replication.js';
export * from './steps/backup.js';
export * from './steps/restore.js';
export * from './steps/crash-loop.js';
export * from './steps/packages.js';
export * from './steps/upgrade.js';
export * from './steps/galera.js';
export * from './steps/pitr.js';
export { runScenario } from './run.js';
export type { RunOptions } from './run.js';
export { planDrill, resolveParams } from './plan.js';
export type { DrillPlan } from './plan.js';
export { loadScenarios, findScenario, SUITES } from './catalog.js';
