// MySQL's physical path: the clone plugin copies the backup replica (CLONE LOCAL DATA DIRECTORY) into a ready
// datadir; a new server starts on it with a new server_uuid (auto.cnf is not cloned), is verified, catches up.
import {
  defineScenario,
  phase,
  physicalBackup,
  primaryReplicas,
  restoreVerifyCatchUp,
  datasetPlusBulk,
  underLoad,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'clone-restore',
  description: 'clone the backup replica with the clone plugin, start a new server on the clone, verify, catch up',
  flavors: ['mysql-9.7'],
  ...datasetPlusBulk(),
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [phase('backup', [underLoad(200), physicalBackup('backup-replica')]), ...restoreVerifyCatchUp('restored', ['backup-replica'])],
  rpoNode: 'restored',
});
