// Seed "continuous restore": replicas died one after another until the primary stood alone, datadirs lost.
// Recovery: rebuild every replica from the latest backup artifact and catch up from the primary by GTID.
import {
  datasetPlusBulk,
  ALL_FLAVORS,
  converge,
  defineScenario,
  equalsPrimary,
  inject,
  ledgerHolds,
  phase,
  physicalBackup,
  primaryReplicas,
  primaryStandsAlone,
  rebuildFromBackup,
  stopWorkload,
  underLoad,
} from '../harness/scenario/index.js';

const replicas = ['replica-1', 'replica-2', 'backup-replica'];

export default defineScenario({
  id: 'replicas-die-one-by-one',
  description: 'under load, SIGKILL every replica in turn and lose its datadir; rebuild all from the last backup, verify each',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: primaryReplicas({ replicas: ['replica-1', 'replica-2'], backupReplicas: ['backup-replica'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('nightly-backup', [underLoad(200), physicalBackup('backup-replica')]),
    phase('replicas-die', [
      ...replicas.flatMap((r) => [underLoad(300), inject({ kind: 'destroy', target: r })]),
      primaryStandsAlone(),
      underLoad(300),
    ]),
    phase('rebuild', replicas.map(rebuildFromBackup), { recovery: true }),
    phase('verify', [stopWorkload(), converge(replicas), ...replicas.flatMap((r) => [equalsPrimary(r), ledgerHolds(r)])]),
  ],
  rpoNode: 'replica-1',
});
