// A replica freezes (docker pause) for longer than the replication timeouts while writes continue.
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
  stopWorkload,
  underLoad,
  whileFaulted,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'replica-pause',
  description: 'freeze a replica past slave_net_timeout (10 s) under load, thaw it, prove convergence',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: primaryReplicas({ replicas: ['replica-1', 'replica-2'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    // 3000 writes at 200/s hold the freeze ~15 s, past the 10 s replication timeout.
    phase('pause', [underLoad(200), whileFaulted({ kind: 'pause', target: 'replica-1' }, [underLoad(3000)])]),
    phase('recover', [expectReplicating('replica-1')], { recovery: true }),
    phase('verify', [stopWorkload(), converge(['replica-1', 'replica-2']), equalsPrimary('replica-1'), ledgerHolds('replica-1')]),
  ],
  rpoNode: 'replica-1',
});
