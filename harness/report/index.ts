export { consoleSummary, writeReport } from './write.js';
export { rtoOf, verdictOf, unmeasuredRpo, rpoOf } from './result.js';
export type { DrillResult, PhaseRecord, StepRecord, Rto, Rpo, Verdict } from './result.js';
