// A replica is cut off the network while writes continue; after the heal it must catch up on its own.
import {
  datasetPlusBulk,
  ALL_FLAVORS,
  converge,
  defineScenario,
  equalsPrimary,
  expectReplicating,
  ledgerHolds,
  phase,
  primaryReplicas,
  replicationInterrupted,
  stopWorkload,
  underLoad,
  whileFaulted,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'replica-partition',
  description: 'cut a replica off the network under load (docker network disconnect), heal, prove it catches up',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: primaryReplicas({ replicas: ['replica-1', 'replica-2'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('partition', [
      underLoad(200),
      whileFaulted({ kind: 'partition', target: 'replica-1' }, [replicationInterrupted('replica-1'), underLoad(1000)]),
    ]),
    phase('recover', [expectReplicating('replica-1')], { recovery: true }),
    phase('verify', [stopWorkload(), converge(['replica-1', 'replica-2']), equalsPrimary('replica-1'), ledgerHolds('replica-1')]),
  ],
  rpoNode: 'replica-1',
});
