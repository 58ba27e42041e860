// Seed mysqlbackup.py (restore + catchup_binlog): the primary loses its datadir. It is rebuilt from the backup
// replica's last artifact, started with a temporary server id (and, on MySQL, a new server uuid) so that its own
// old events, which come back from its replicas, are not dropped as its own; it catches up from each replica until
// less than one second behind, stops, and starts again as the primary (server id 1). The replicas follow it again,
// and the application's writes to it reach them.
import {
  datasetPlusBulk,
  ALL_FLAVORS,
  converge,
  defineScenario,
  equalsPrimary,
  expectReplicating,
  inject,
  ledgerHolds,
  phase,
  physicalBackup,
  primaryReplicas,
  reattachToSources,
  rebuildWithCatchUp,
  resumeWorkload,
  stopWorkload,
  underLoad,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'primary-restore-catch-up',
  description:
    "lose the primary's datadir; rebuild it from a backup with a temporary server id, catch up from every replica, restart it as the primary",
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: primaryReplicas({ replicas: ['replica-1'], backupReplicas: ['backup-replica'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('backup', [underLoad(200), physicalBackup('backup-replica')]),
    phase('writes-after-backup', [underLoad(400)]),
    phase('primary-lost', [stopWorkload(), converge(['replica-1', 'backup-replica']), inject({ kind: 'destroy', target: 'primary' })]),
    phase('rebuild-primary', [rebuildWithCatchUp('primary', ['replica-1', 'backup-replica'])], { recovery: true }),
    phase(
      'replicas-follow',
      [
        reattachToSources('replica-1'),
        reattachToSources('backup-replica'),
        expectReplicating('replica-1'),
        expectReplicating('backup-replica'),
      ],
      { recovery: true },
    ),
    phase('writes-resume', [resumeWorkload(), underLoad(300), stopWorkload(), converge(['replica-1', 'backup-replica'])]),
    phase('verify', [equalsPrimary('replica-1'), equalsPrimary('backup-replica'), ledgerHolds('primary'), ledgerHolds('replica-1')]),
  ],
  rpoNode: 'primary',
});
