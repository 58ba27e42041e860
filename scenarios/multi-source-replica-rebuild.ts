// Two primaries fan into one replica. The fan-in replica dies with its datadir; it is rebuilt from a backup taken
// on it earlier, both sources' positions come back from the artifact, and it catches up from both primaries.
import {
  datasetPlusBulk,
  ALL_FLAVORS,
  catchUpFromSources,
  converge,
  defineScenario,
  equalsPrimary,
  gtidCoversSources,
  inject,
  ledgerHolds,
  multiSource,
  phase,
  physicalBackup,
  restoreLatest,
  stopWorkload,
  underLoad,
  verifyAgainstSnapshot,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'multi-source-replica-rebuild',
  description: 'fan-in replica of two primaries loses its datadir; rebuild from its own backup, restore both positions, catch up from both',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: multiSource({ sources: ['primary-a', 'primary-b'], backupReplicas: ['fanin'] }),
  workload: { writers: 2, ratePerSec: 100 },
  phases: [
    phase('backup', [underLoad(300), physicalBackup('fanin')]),
    phase('lose-fanin', [underLoad(200), inject({ kind: 'destroy', target: 'fanin' }), underLoad(300)]),
    phase('restore', [restoreLatest('fanin')], { recovery: true }),
    phase('verify-restore', [verifyAgainstSnapshot('fanin')], { recovery: true }),
    phase('catch-up', [catchUpFromSources('fanin')], { recovery: true }),
    phase('verify', [stopWorkload(), converge(['fanin']), gtidCoversSources('fanin'), equalsPrimary('fanin'), ledgerHolds('fanin')]),
  ],
  rpoNode: 'fanin',
});
