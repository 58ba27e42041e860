export { CHAOS_TOPOLOGIES, FAULT_COMMANDS, SHAPES, describeCommand, eligible, parseCommands, plan } from './model.js';
export type { ChaosCommand, ChaosKind, ChaosModel, ChaosShape, ChaosTopology, FaultCommand } from './model.js';
export { parseReplay, searchSchedules } from './search.js';
export type { AttemptOutcome, AttemptRecord, SearchResult } from './search.js';
export { chaosScenario, commandIndexOf, InvariantViolation } from './scenario.js';
export type { ChaosSpec } from './scenario.js';
export { writeScenarioFile } from './write.js';
