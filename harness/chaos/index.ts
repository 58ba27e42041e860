export { CHAOS_TOPOLOGIES, SHAPES, describeCommand, faultCommands } from './model.js';
export type { ChaosCommand, ChaosTopology } from './model.js';
export { parseReplay, searchSchedules } from './search.js';
export type { AttemptOutcome, SearchResult } from './search.js';
export { chaosScenario } from './scenario.js';
export { writeScenarioFile } from './write.js';
export { drillViolation } from './violation.js';
