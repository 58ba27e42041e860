// The names a drill's checks and observations carry in result.json, junit.xml and the summary. CI jobs and the
// Docker tests look them up by these exact strings: change one here and it changes everywhere, on purpose.

/** Check names, by what they judge. `node` is the node judged. */
export const checkName = {
  resumesReplication: (node: string) => `${node}-resumes-replication`,
  replicationInterruptedByFault: (node: string) => `${node}-replication-interrupted-by-fault`,
  gtidCoversEverySource: (node: string) => `${node}-gtid-covers-every-source`,
  errantTransactionDetected: (node: string) => `${node}-errant-transaction-detected`,
  primaryStandsAlone: 'primary-stands-alone',
  /** A checker's own name (check-table, checksum-table, schema-objects, data, ...) judged on a node. */
  onNode: (node: string, check: string) => `${node}-${check}`,
  /** A comparison of the node with one of its sources (`source` is 'primary' on a single-primary topology). */
  equalsSource: (node: string, check: string, source: string) => `${node}-${check}-equals-${source}`,
  ledger: (node: string) => `${node}-ledger`,
  /** The ledger of one primary's workload, on a topology with several primaries. */
  ledgerOf: (node: string, primary: string) => `${node}-ledger-${primary}`,
  backupPointEqualsSnapshotPoint: 'backup-point-equals-snapshot-point',
  backupFaultFailsLoudly: 'backup-fault-fails-loudly',
  backupFaultLeavesNoRestorableArtifact: 'backup-fault-leaves-no-restorable-artifact',
  backupRetrySucceeds: 'backup-retry-succeeds',
  gtidEqualsManifest: (node: string) => `${node}-gtid-equals-manifest`,
  gtidEqualsSnapshotPoint: (node: string) => `${node}-gtid-equals-snapshot-point`,
  schemaObjectsAllPresent: (node: string) => `${node}-schema-objects-all-present`,
  rpoEqualsTransactionsAfterBackupPoint: 'rpo-equals-transactions-after-backup-point',
  tamperRefused: (tamper: string) => `tamper-${tamper}-refused-before-any-server`,
  crashLoops: (node: string) => `${node}-crash-loops`,
  stuckBeforePoison: (node: string) => `${node}-stuck-before-poison`,
  divergesExactlyBySkippedTransaction: (node: string) => `${node}-diverges-exactly-by-skipped-transaction`,
  primaryWithMembers: (node: string, size: number) => `${node}-primary-with-${size}-members`,
  nonPrimaryAfterQuorumLoss: (node: string) => `${node}-non-primary-after-quorum-loss`,
  refusesQueriesWithoutQuorum: (node: string) => `${node}-refuses-queries-without-quorum`,
  rejoinedBySst: (node: string) => `${node}-rejoined-by-sst`,
  clusterKeptWritingWhileLocked: (node: string) => `cluster-kept-writing-while-${node}-was-locked`,
  binlogStreamIdenticalToSource: 'binlog-stream-identical-to-source',
  /** A snapshot check of the point-in-time recovered node against the dropped database's state before the DROP. */
  asBeforeTheDrop: (node: string, check: string) => `${node}-${check}-as-before-the-drop`,
  ledgerAtRecoveryPoint: (node: string) => `${node}-ledger-at-recovery-point`,
  /** pre-upgrade: after a switchover (`label`), a node compared with the node holding the primary role. */
  equalsAfter: (label: string, node: string, primary: string) => `${label}-${node}-equals-${primary}`,
  ledgerAfter: (label: string, node: string) => `${label}-${node}-ledger`,
  preUpgradeNoBlockingFinding: 'pre-upgrade-no-blocking-finding',
  /** pre-upgrade: the switchover (`label`: 'switchover', 'rollback') the README promises was exercised, not skipped. */
  switchoverExercised: (label: string) => `${label}-exercised`,
  /** pre-upgrade: the pre-upgrade backup restored onto the old version and verified (the step's way back). */
  wayBackRestoreVerified: 'way-back-restore-verified',
  /** galera-rolling-upgrade: every member runs the version series expected at this point (`label`: mixed, upgraded). */
  memberVersions: (label: string) => `member-versions-${label}`,
  /** galera-rolling-upgrade: the member's mariadb-upgrade replicated no writeset to the other members. */
  upgradeNotReplicated: (node: string) => `${node}-upgrade-not-replicated`,
} as const;

/** Observation names (keys of result.json's `observations`). */
export const observationName = {
  backup: (artifactId: string) => `backup ${artifactId}`,
  restore: (node: string) => `restore ${node}`,
  catchUp: (node: string) => `catch-up ${node}`,
  workload: 'workload',
  workloadOf: (primary: string) => `workload ${primary}`,
  errant: (node: string) => `errant ${node}`,
  errantWrite: (node: string) => `errant write ${node}`,
  accidentTarget: 'accident target',
  start: (node: string) => `start ${node}`,
  nodesAfterTheFailures: 'nodes after the failures',
  poisonTransaction: 'poison transaction',
  crashLoop: (node: string) => `crash loop ${node}`,
  stuck: (node: string) => `stuck ${node}`,
  divergenceAfterSkip: (node: string) => `divergence after skip ${node}`,
  rpoOfTheBackupAlone: 'rpo of the backup alone',
  package: 'package',
  upgradeChanged: (node: string) => `upgrade changed (${node})`,
  catchUpRebuild: (node: string) => `catch-up rebuild ${node}`,
  synced: (node: string) => `synced ${node}`,
  quorumLoss: (node: string) => `quorum loss ${node}`,
  bootstrap: (node: string) => `bootstrap ${node}`,
  clusterRecovery: 'cluster recovery',
  rebuild: (node: string) => `rebuild ${node}`,
  stateTransfer: (node: string) => `state transfer ${node}`,
  binlogStreamerRestart: 'binlog streamer restart',
  accident: 'accident',
  pointInTimeRecovery: (node: string) => `point-in-time recovery ${node}`,
  delayedReplicaRecovery: (node: string) => `delayed replica recovery ${node}`,
  incompatibilityReport: 'incompatibility report',
  queryReplay: 'query replay',
  concurrentReplay: 'concurrent replay',
  inPlaceUpgrade: (node: string) => `in-place upgrade ${node}`,
  /** The user's option file as nodes of another version start with it (what that version refuses left out). */
  serverConfigFor: (flavor: string) => `server config for ${flavor}`,
  /** A switchover's measurements, by its label ('switchover', 'rollback'). */
  switchover: (label: string) => label,
  goNoGo: 'go/no-go',
  /** pre-upgrade: the step's way back (replication new -> old, and the pre-upgrade backup's restore, timed). */
  wayBack: 'way back',
  /** The dataset as the upgraded node holds it, written for the next step of a multi-step upgrade. */
  carriedDataset: 'carried dataset',
  /** galera-rolling-upgrade: each member's `SELECT VERSION()` at a point of the upgrade (`label`). */
  memberVersions: (label: string) => `member versions ${label}`,
  /** galera-rolling-upgrade: the clients' write node moved to an upgraded member before the old write node's turn. */
  writeNodeMoved: 'write node moved',
  /** galera-rolling-upgrade: a full SST to `joiner` from `donor`, a member of the other version: worked or refused. */
  sstDirection: (joiner: string, donor: string) => `sst ${joiner} from ${donor}`,
} as const;
