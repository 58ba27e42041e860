export type { CheckResult, Difference, Queryable } from './check.js';
export { check, checkLine, notApplicableCheck, outcomeOf, skippedCheck } from './check.js';
export { takeSnapshot, schemaObjects, checkTableState, checksumOf } from './snapshot.js';
export type { Snapshot } from './snapshot.js';
export { compareSnapshots, tablesHealthy, checksumsEqual, compareObjects, uncheckedDetails } from './compare-snapshot.js';
export { compareData, UnknownDatabaseError } from './data-diff.js';
export {
  gtidPositionsEqual,
  errantTransactions,
  noErrantTransactions,
  restoredAtPoint,
  stopsJustBefore,
  wroteNothingAs,
  coversEvery,
} from './gtid.js';
export { judgeLedger, ledgerCheck, ledgerAtCutCheck } from './ledger.js';
export type { LedgerVerdict, RecoveryCut } from './ledger.js';
export { databasesInScope } from './scope.js';
export { presentLedgerIds } from './ledger-read.js';
export { compareServers } from './servers.js';
export { compareBinlogCopies } from './binlog-copy.js';
export { judgeIstRejoin, judgeStateTransfer, judgeSstRejoin } from './state-transfer.js';
export { judgeMemberVersions, judgeUpgradeNotReplicated, type MemberVersion } from './rolling-upgrade-checks.js';
export { judgeRpo } from './rpo.js';
export { committedGtids, locateStatement } from './committed.js';
export { backupPointEqualsSnapshot } from './backup-point.js';
export { compareAccounts } from './accounts.js';
export { takeState, parseState, compareWithState } from './state-file.js';
export type { SettingsLimit } from './settings-not-carried.js';
export type { RecordedState } from './state-file.js';
export { writeUnavailability } from './write-window.js';
export { choosePromotion, readiness } from './promotion.js';
export type { ReplicaFacts } from './promotion.js';
export {
  oneWritablePrimary,
  replicasFollow,
  promotedHeldEverything,
  errantNamed,
  fenced,
  rejoinAllowed,
  semiSyncKeptItsPromise,
  promisedBySemiSync,
  ledgerAfterFailover,
  lostToUnwrittenRedo,
} from './failover.js';
export type { FollowerState, SemiSyncSample } from './failover.js';
export { splitBrainHeld, splitBrainWrites } from './split-brain.js';
export {
  describePathLimits,
  GALERA_SEQUENCE_REFUSAL,
  galeraPathLimits,
  galeraRefusedSequences,
  judgeNotCarried,
  limitLines,
} from './path-limits.js';
export type { PathLimit } from './path-limits.js';
export { survivorMostAdvanced } from './galera-recovery.js';
export { rejoinedTheGroup, secondaryRefusedWrite } from './group-replication.js';
