// The logical path: a consistent dump of the backup replica (GTID position recorded), loaded into a fresh server,
// verified against the snapshot taken at the same point, then caught up by GTID.
import {
  catchUpFromSources, converge, defineScenario, equalsPrimary, ledgerHolds, logicalBackupOf, phase, primaryReplicas,
  restoreLatest, stopWorkload, underLoad, verifyAgainstSnapshot,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'logical-restore',
  description: 'logical dump of the backup replica with its GTID position, load into a fresh node, verify, catch up',
  flavors: ['mariadb-10.11', 'mariadb-11.8', 'mysql-9.7'],
  params: { bulkMb: { default: 20, min: 0, description: 'size of the generated bulk table (MB)' } },
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  data: { sakila: true, bulkMb: (p) => p['bulkMb']! },
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('backup', [underLoad(200), logicalBackupOf('backup-replica')]),
    phase('restore', [restoreLatest('restored')], { recovery: true }),
    phase('verify-restore', [verifyAgainstSnapshot('restored')], { recovery: true }),
    phase('catch-up', [catchUpFromSources('restored')], { recovery: true }),
    phase('verify', [stopWorkload(), converge(['restored', 'backup-replica']), equalsPrimary('restored'), ledgerHolds('restored')]),
  ],
  rpoNode: 'restored',
});
