import { describe, expect, it } from 'vitest';
import { checkName, observationName } from './names.js';

// CI jobs and people grep result.json and junit.xml for these exact names: a rename here is a breaking change.
describe('check and observation names users rely on', () => {
  it('keep their exact spelling', () => {
    expect([
      checkName.resumesReplication('replica-1'), checkName.onNode('restored', 'checksum-table'), checkName.gtidEqualsManifest('restored'),
      checkName.equalsSource('restored', 'data', 'primary'), checkName.equalsSource('fanin', 'data', 'primary-a'), checkName.ledger('restored'),
      checkName.ledgerOf('fanin', 'primary-b'), checkName.replicationInterruptedByFault('replica-1'), checkName.errantTransactionDetected('replica-1'),
      checkName.crashLoops('replica-1'), checkName.stuckBeforePoison('backup-replica'), checkName.divergesExactlyBySkippedTransaction('replica-1'),
      checkName.primaryWithMembers('galera-2', 2), checkName.nonPrimaryAfterQuorumLoss('galera-1'), checkName.refusesQueriesWithoutQuorum('galera-1'),
      checkName.rejoinedBySst('galera-1'), checkName.clusterKeptWritingWhileLocked('galera-3'), checkName.tamperRefused('flip-byte'),
      checkName.asBeforeTheDrop('pitr', 'checksum-table'), checkName.ledgerAtRecoveryPoint('pitr-by-time'), checkName.gtidCoversEverySource('fanin'),
      checkName.backupFaultFailsLoudly, checkName.backupFaultLeavesNoRestorableArtifact, checkName.backupRetrySucceeds,
      checkName.rpoEqualsTransactionsAfterBackupPoint, checkName.binlogStreamIdenticalToSource, checkName.primaryStandsAlone,
    ]).toEqual([
      'replica-1-resumes-replication', 'restored-checksum-table', 'restored-gtid-equals-manifest',
      'restored-data-equals-primary', 'fanin-data-equals-primary-a', 'restored-ledger',
      'fanin-ledger-primary-b', 'replica-1-replication-interrupted-by-fault', 'replica-1-errant-transaction-detected',
      'replica-1-crash-loops', 'backup-replica-stuck-before-poison', 'replica-1-diverges-exactly-by-skipped-transaction',
      'galera-2-primary-with-2-members', 'galera-1-non-primary-after-quorum-loss', 'galera-1-refuses-queries-without-quorum',
      'galera-1-rejoined-by-sst', 'cluster-kept-writing-while-galera-3-was-locked', 'tamper-flip-byte-refused-before-any-server',
      'pitr-checksum-table-as-before-the-drop', 'pitr-by-time-ledger-at-recovery-point', 'fanin-gtid-covers-every-source',
      'backup-fault-fails-loudly', 'backup-fault-leaves-no-restorable-artifact', 'backup-retry-succeeds',
      'rpo-equals-transactions-after-backup-point', 'binlog-stream-identical-to-source', 'primary-stands-alone',
    ]);
    expect([observationName.rpoOfTheBackupAlone, observationName.pointInTimeRecovery('pitr'), observationName.catchUpRebuild('primary')])
      .toEqual(['rpo of the backup alone', 'point-in-time recovery pitr', 'catch-up rebuild primary']);
  });
});
