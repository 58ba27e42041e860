// Seed "continuous restore": one DELETE on the primary sends every replica into an endless crash loop
// (mysqld dies applying it, mysqld_safe restarts it, replication resumes, it dies again).
// Recovery both ways a DBA would: (a) skip the poison transaction and repair the divergence it leaves;
// (b) rebuild from the backup replica's last artifact and catch up past the poison once the cause is removed.
import {
  datasetPlusBulk,
  ALL_FLAVORS,
  converge,
  defineScenario,
  divergesExactlyBy,
  equalsPrimary,
  ledgerHolds,
  noErrant,
  observeCrashLoop,
  phase,
  physicalBackup,
  poisonDelete,
  primaryReplicas,
  rebuildFromBackup,
  repairSkipped,
  skipPoison,
  stopWorkload,
  stuckBeforePoison,
  underLoad,
  whileFaulted,
  ownNames,
} from '../harness/scenario/index.js';

// The poison row is in a table firedrill creates for itself on every dataset (`<ownSchema>_targets.items`): it has no
// trigger on the primary (MariaDB runs a replica's own triggers for row events only then) and deleting its row harms
// nothing of the user's.
const poison = { db: ownNames().targets, table: 'items', key: 'id', id: 1 };
const replicas = ['replica-1', 'backup-replica'];

export default defineScenario({
  id: 'replica-crash-loop',
  description:
    'a replicated DELETE crashes every replica (abort() in a UDF from a replica-only trigger) in a loop; recover by skip+repair and by rebuild',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: primaryReplicas({
    replicas: ['replica-1'],
    backupReplicas: ['backup-replica'],
    replicaServer: { supervised: true, replicaRunsTriggers: true },
  }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('nightly-backup', [underLoad(200), physicalBackup('backup-replica')]),
    // The heal breaks each loop (a drop-in holds replication, one more crash), then removes the trigger and UDF.
    phase('crash-loop', [
      whileFaulted({ kind: 'crash-trigger', target: 'all-replicas', ...poison }, [
        poisonDelete(poison),
        ...replicas.map((r) => observeCrashLoop(r)),
        underLoad(400),
      ]),
    ]),
    phase(
      'recover-by-skip',
      [
        ...replicas.map((r) => stuckBeforePoison(r)),
        skipPoison('replica-1'),
        divergesExactlyBy('replica-1', poison),
        repairSkipped('replica-1', poison),
      ],
      { recovery: true },
    ),
    phase('recover-by-rebuild', [rebuildFromBackup('backup-replica')], { recovery: true }),
    phase('verify', [stopWorkload(), converge(replicas), ...replicas.flatMap((r) => [equalsPrimary(r), noErrant(r), ledgerHolds(r)])]),
  ],
  rpoNode: 'replica-1',
});
