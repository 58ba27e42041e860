export { consoleSummary, writeReport } from './write.js';
export { buildReport } from './build.js';
export { defaultHistoryFile, writeHistory } from './history.js';
export { judgeObjectives, objectivesFor } from './objectives.js';
export {
  baseProvenance,
  datasetSize,
  firedrillCommit,
  firedrillVersion,
  imageProvenance,
  serverVersions,
} from './provenance.js';
export type { Provenance } from './provenance.js';
export { consoleTime, DrillLog } from './log.js';
export { rtoOf, verdictOf, failureCause, unmeasuredRpo, rpoOf } from './result.js';
export { causeOfError, exitCodeOfCause } from './cause.js';
export type { Cause } from './cause.js';
export type { DrillResult, PhaseRecord, Rpo, Verdict } from './result.js';
