export { consoleSummary, writeReport } from './write.js';
export { buildReport, findRunDirs, loadRun } from './build.js';
export type { BuildOptions, BuildOutcome } from './build.js';
export { appendHistory, defaultHistoryFile, readHistory, writeHistory } from './history.js';
export type { HistoryEntry } from './history.js';
export { judgementsOf, objectiveReportOf } from './evidence.js';
export type { EvidenceResult, Judgement } from './evidence.js';
export { DEFAULT_OBJECTIVES, describeJudgement, judgeObjectives, objectivesFor, parseObjectives } from './objectives.js';
export type { ObjectiveJudgement, ObjectiveReport, Objectives, ObjectivesConfig, ResolvedObjectives } from './objectives.js';
export {
  baseProvenance,
  datasetSize,
  firedrillCommit,
  firedrillVersion,
  imageProvenance,
  redactArgv,
  serverVersions,
} from './provenance.js';
export type { Provenance } from './provenance.js';
export { consoleTime, DrillLog, zonedTimestamp } from './log.js';
export { junitXml } from './junit.js';
export { allureDirOf, writeAllureResult } from './allure.js';
export { redactResult, redactor } from './redact.js';
export { renderReport } from './html.js';
export { rtoOf, verdictOf, unmeasuredRpo, rpoOf } from './result.js';
export type { DrillResult, PhaseRecord, StepRecord, Rto, Rpo, Verdict } from './result.js';
