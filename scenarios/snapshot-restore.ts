// Seed "consistent EBS snapshot of MySQL": FLUSH TABLES WITH READ LOCK, sync, freeze, snapshot the volume, thaw,
// UNLOCK TABLES, on the backup replica (where blocking writes is acceptable); restore the copy into a new node.
import {
  catchUpFromSources, converge, defineScenario, equalsPrimary, ledgerHolds, phase, physicalBackup, primaryReplicas,
  restoreLatest, stopWorkload, underLoad, verifyAgainstSnapshot,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'snapshot-restore',
  description: 'FTWRL + sync + frozen copy of the backup replica\'s datadir volume (writes-blocked time recorded); restore, verify, catch up',
  flavors: ['mariadb-10.11', 'mariadb-11.8', 'mysql-9.7'],
  params: { bulkMb: { default: 20, min: 0, description: 'size of the generated bulk table (MB)' } },
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  data: { sakila: true, bulkMb: (p) => p['bulkMb']! },
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('backup', [underLoad(200), physicalBackup('backup-replica', 'fs-snapshot')]),
    phase('restore', [restoreLatest('restored')], { recovery: true }),
    phase('verify-restore', [verifyAgainstSnapshot('restored')], { recovery: true }),
    phase('catch-up', [catchUpFromSources('restored')], { recovery: true }),
    phase('verify', [stopWorkload(), converge(['restored', 'backup-replica']), equalsPrimary('restored'), ledgerHolds('restored')]),
  ],
  rpoNode: 'restored',
});
