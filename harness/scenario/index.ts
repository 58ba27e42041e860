export type { DrillContext, Step, Phase, ScenarioDefinition, ParamSpec, Params, TopologyPlan } from './types.js';
export { defineScenario, phase, primaryReplicas, multiSource, galera, sakilaPlusBulk, restoreVerifyCatchUp, ALL_FLAVORS, MARIADB_FLAVORS } from './define.js';
export * from './steps.js';
export * from './galera-steps.js';
export * from './pitr-steps.js';
export { runScenario, resolveParams, classifyFailure, errorResult, exitCodeOf } from './run.js';
export type { DrillResult, PhaseRecord, StepRecord, RunOptions, Verdict } from './run.js';
export { loadScenarios, findScenario, SUITES } from './catalog.js';
