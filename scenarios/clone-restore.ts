// MySQL's physical path: the clone plugin copies the backup replica (CLONE LOCAL DATA DIRECTORY) into a ready
// datadir; a new server starts on it with a new server_uuid (auto.cnf is not cloned), is verified, catches up.
import {
  catchUpFromSources, converge, defineScenario, equalsPrimary, ledgerHolds, phase, physicalBackup, primaryReplicas,
  restoreLatest, stopWorkload, underLoad, verifyAgainstSnapshot,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'clone-restore',
  description: 'clone the backup replica with the clone plugin, start a new server on the clone, verify, catch up',
  flavors: ['mysql-9.7'],
  params: { bulkMb: { default: 20, min: 0, description: 'size of the generated bulk table (MB)' } },
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  data: { sakila: true, bulkMb: (p) => p['bulkMb']! },
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('backup', [underLoad(200), physicalBackup('backup-replica')]),
    phase('restore', [restoreLatest('restored')], { recovery: true }),
    phase('verify-restore', [verifyAgainstSnapshot('restored')], { recovery: true }),
    phase('catch-up', [catchUpFromSources('restored')], { recovery: true }),
    phase('verify', [stopWorkload(), converge(['restored', 'backup-replica']), equalsPrimary('restored'), ledgerHolds('restored')]),
  ],
  rpoNode: 'restored',
});
