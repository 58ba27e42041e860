// Seed "ten rules", rule 2: never write to a replica. Someone did; GTID comparison must name the errant
// transaction, and the replica is rebuilt from the backup replica's artifact.
import {
  datasetPlusBulk,
  ALL_FLAVORS,
  converge,
  defineScenario,
  tableParam,
  detectErrant,
  equalsPrimary,
  errantWriteOn,
  ledgerHolds,
  noErrant,
  phase,
  physicalBackup,
  primaryReplicas,
  rebuildFromBackup,
  stopWorkload,
  underLoad,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'errant-write',
  description: 'a write lands on a read_only-off replica; detect the errant GTID, rebuild the replica from backup, verify',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  params: {
    ...datasetPlusBulk().params,
    errantTable: tableParam(
      "where the errant write lands (db.table: its highest-key row is deleted; auto: a row added to firedrill's own target table)",
      'one-column-key',
    ),
  },
  topology: primaryReplicas({ replicas: ['replica-1'], backupReplicas: ['backup-replica'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('backup', [underLoad(200), physicalBackup('backup-replica')]),
    phase('errant-write', [errantWriteOn('replica-1'), underLoad(200)]),
    phase('detect', [detectErrant('replica-1')], { recovery: true }),
    phase('rebuild', [rebuildFromBackup('replica-1')], { recovery: true }),
    phase('verify', [
      stopWorkload(),
      converge(['replica-1', 'backup-replica']),
      noErrant('replica-1'),
      equalsPrimary('replica-1'),
      ledgerHolds('replica-1'),
    ]),
  ],
  rpoNode: 'replica-1',
});
