// Seed "consistent EBS snapshot of MySQL": FLUSH TABLES WITH READ LOCK, sync, freeze, snapshot the volume, thaw,
// UNLOCK TABLES, on the backup replica (where blocking writes is acceptable); restore the copy into a new node.
import {
  ALL_FLAVORS,
  defineScenario,
  phase,
  physicalBackup,
  primaryReplicas,
  restoreVerifyCatchUp,
  datasetPlusBulk,
  underLoad,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'snapshot-restore',
  description:
    "FTWRL + sync + frozen copy of the backup replica's datadir volume (writes-blocked time recorded); restore, verify, catch up",
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('backup', [underLoad(200), physicalBackup('backup-replica', 'fs-snapshot')]),
    ...restoreVerifyCatchUp('restored', ['backup-replica']),
  ],
  rpoNode: 'restored',
});
