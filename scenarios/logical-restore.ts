// The logical path: a consistent dump of the backup replica (GTID position recorded), loaded into a fresh server,
// verified against the snapshot taken at the same point, then caught up by GTID.
import {
  ALL_FLAVORS,
  defineScenario,
  logicalBackupOf,
  phase,
  primaryReplicas,
  restoreVerifyCatchUp,
  datasetPlusBulk,
  underLoad,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'logical-restore',
  description: 'logical dump of the backup replica with its GTID position, load into a fresh node, verify, catch up',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [phase('backup', [underLoad(200), logicalBackupOf('backup-replica')]), ...restoreVerifyCatchUp('restored', ['backup-replica'])],
  rpoNode: 'restored',
});
