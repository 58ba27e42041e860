// The primary dies under load (or, with fault=freeze / partition, is frozen or cut off the network past the replicas'
// net timeout) and a replica takes its place, the way a DBA (or orchestrator) fails over: the most
// advanced eligible replica is promoted by GTID (never the delayed one), the others follow it by GTID auto-position,
// the clients follow the writable node through their proxy. Measured: acknowledged writes lost (ids and seconds),
// indeterminate writes, the write-unavailability window, the RTO split into detection, promotion, repointing and the
// first write. Then the old primary returns (a frozen one thawed, a cut-off one reconnected, with whatever its clients
// had queued): its divergent history is named by GTID set algebra and it is fenced
// (or, with oldPrimary=rejoin, rejoined only if it has none). A planned switchover follows, measured the same way on
// the same data. Parameters: durability (async | semisync), candidate,
// stallWrites (writes the primary acknowledges while no replica receives, before it dies), failover (the team's own
// failover command instead of firedrill's promotion), oldPrimary (fence | rejoin | rebuild), fault (kill | freeze | partition),
// replicaNetTimeoutS.
import {
  clientsBehindProxy,
  defineScenario,
  delayReplica,
  detectPrimaryFailure,
  durability,
  failoverHolds,
  failoverParams,
  firstWriteOnNewPrimary,
  oldPrimaryReturns,
  phase,
  plannedSwitchover,
  primaryFault,
  plantScheduledEvent,
  primaryReplicas,
  promoteReplica,
  promotionReport,
  replicaNetTimeout,
  repointReplicas,
  replicasEqualPrimaryAndLedger,
  stopWorkload,
  underLoad,
  ALL_FLAVORS,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'primary-failover',
  description:
    "the primary SIGKILLed under load; the most advanced replica promoted by GTID (or by the team's command), the others repointed, clients follow; lost writes, write-unavailability window, RTO split; the old primary returns fenced with its errant GTIDs named",
  flavors: ALL_FLAVORS,
  params: failoverParams(),
  data: { dataset: true, bulkMb: (p) => Number(p['bulkMb'] ?? 0) },
  // replica-1 and replica-2 have the backup store mounted: oldPrimary=rebuild takes the new primary's backup on one of them
  topology: primaryReplicas({ replicas: ['replica-delayed'], backupReplicas: ['replica-1', 'replica-2'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('prepare', [
      clientsBehindProxy(),
      plantScheduledEvent(),
      delayReplica('replica-delayed', 30),
      replicaNetTimeout(),
      durability(),
      underLoad(300),
    ]),
    phase('fault', [promotionReport(), primaryFault()]),
    phase('detect', [detectPrimaryFailure()], { recovery: true }),
    phase('promote', [promoteReplica()], { recovery: true }),
    phase('repoint', [repointReplicas()], { recovery: true }),
    phase('first-write', [firstWriteOnNewPrimary()], { recovery: true }),
    phase('verify', [underLoad(200), failoverHolds()]),
    phase('old-primary-returns', [oldPrimaryReturns()]),
    phase('planned-switchover', [plannedSwitchover(), underLoad(100)]),
    phase('final', [stopWorkload(), replicasEqualPrimaryAndLedger()]),
  ],
  rpoNode: 'primary',
  // Asynchronous replication may lose acknowledged writes by design: the drill passes only when every lost write is
  // one the returning old primary holds and semi-sync did not promise (the expected loss, measured on the old primary).
  expectsLoss: true,
});
