// The primary and its replica are lost; no binlogs survive. Only the last physical backup is restored, and the
// drill reports the real RPO: exactly which acknowledged writes are gone, checked against the GTID arithmetic.
import {
  datasetPlusBulk,
  ALL_FLAVORS,
  defineScenario,
  inject,
  notePrimaryPosition,
  phase,
  physicalBackup,
  primaryReplicas,
  restoreLatest,
  rpoOfBackupAlone,
  stopWorkload,
  underLoad,
  verifyAgainstSnapshot,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'restore-without-binlogs',
  description: 'lose the primary (and its replica) after the last backup; restore the backup alone and measure the exact RPO',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('backup', [underLoad(200), physicalBackup('backup-replica')]),
    phase('writes-after-backup', [underLoad(600)]),
    phase('site-lost', [stopWorkload(), notePrimaryPosition(), inject({ kind: 'destroy', target: 'primary,backup-replica' })]),
    phase('restore', [restoreLatest('restored')], { recovery: true }),
    phase('verify-restore', [verifyAgainstSnapshot('restored'), rpoOfBackupAlone('restored')], { recovery: true }),
  ],
  rpoNode: 'restored',
  // Loss is the expected outcome here: the verdict rests on the RPO being measured exactly, not on it being 0.
  expectsLoss: true,
});
