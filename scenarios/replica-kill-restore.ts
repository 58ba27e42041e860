// Seed runbook "The road to continuous restore": a replica dies under load and must come back crash-safely;
// the backup replica's backup must restore, match the snapshot taken just before it, and catch up with no loss.
import {
  datasetPlusBulk,
  ALL_FLAVORS,
  catchUpFromSources,
  converge,
  defineScenario,
  equalsPrimary,
  expectReplicating,
  inject,
  ledgerHolds,
  phase,
  physicalBackup,
  primaryReplicas,
  restoreLatest,
  stopWorkload,
  underLoad,
  verifyAgainstSnapshot,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'replica-kill-restore',
  description: 'SIGKILL a replica under load, back up the backup replica, restore into a new node, verify and catch up',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(100),
  topology: primaryReplicas({ replicas: ['replica-1'], backupReplicas: ['backup-replica'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('replica-crash', [underLoad(300), inject({ kind: 'kill', target: 'replica-1', signal: 'KILL' }), expectReplicating('replica-1')]),
    phase('backup', [physicalBackup('backup-replica')]),
    phase('restore', [restoreLatest('restored')], { recovery: true }),
    phase('verify-restore', [verifyAgainstSnapshot('restored')], { recovery: true }),
    phase('catch-up', [catchUpFromSources('restored')], { recovery: true }),
    phase('verify', [
      stopWorkload(),
      converge(['replica-1', 'backup-replica', 'restored']),
      equalsPrimary('restored'),
      equalsPrimary('replica-1'),
      ledgerHolds('restored'),
      ledgerHolds('replica-1'),
    ]),
  ],
  rpoNode: 'restored',
});
