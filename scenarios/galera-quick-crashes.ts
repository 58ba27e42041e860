// Galera members crash in quick succession under load: the node the clients write to is SIGKILLed, then a second member
// a seeded interval later (`seed`, `maxIntervalMs`). With three members the survivor loses quorum and refuses queries;
// it is compared with the position each crashed member recovers from its datadir and, being the most advanced, made
// the Primary component; the clients' proxy moves the writes to it. Measured as primary-failover measures a failover
// (lost writes, indeterminate, the write-unavailability window, the RTO split). The crashed members start again and
// rejoin by IST; every member holds the same data and every acknowledged write. Killing a process keeps the operating
// system's page cache: only a loss that needs no lost unsynced write can show here.
import {
  bootstrapMostAdvancedSurvivor,
  clientsBehindProxy,
  crashesInQuickSuccession,
  defineScenario,
  detectPrimaryFailure,
  firstWriteOnNewPrimary,
  galeraWriteNodeCluster,
  galeraConverge,
  galeraCrashesParams,
  membersEqual,
  galeraRefusesWithoutQuorum,
  galeraWriterChosen,
  killedMembersRejoin,
  ledgerHolds,
  phase,
  proxyFollowsWriteNode,
  stopWorkload,
  underLoad,
} from '../harness/scenario/index.js';

const members = ['galera-1', 'galera-2', 'galera-3'];
const crashed = ['galera-1', 'galera-2'];

export default defineScenario({
  id: 'galera-quick-crashes',
  description:
    'SIGKILL the Galera write node, then a second member a seeded interval later: the survivor loses quorum, is bootstrapped as the most advanced, the clients move to it; lost writes, window, RTO; both rejoin by IST, all equal',
  params: galeraCrashesParams(),
  ...galeraWriteNodeCluster(members),
  phases: [
    phase('prepare', [clientsBehindProxy('write-node'), underLoad(300)]),
    phase('crashes', [crashesInQuickSuccession('galera-1', 'galera-2')]),
    phase('detect', [detectPrimaryFailure()], { recovery: true }),
    phase('quorum-lost', [galeraRefusesWithoutQuorum('galera-3')], { recovery: true }),
    phase('promote', [bootstrapMostAdvancedSurvivor('galera-3', crashed), galeraWriterChosen(crashed)], { recovery: true }),
    phase('repoint', [proxyFollowsWriteNode()], { recovery: true }),
    phase('first-write', [firstWriteOnNewPrimary()], { recovery: true }),
    phase('rejoin', [underLoad(200), killedMembersRejoin(crashed), underLoad(200)]),
    phase('verify', [stopWorkload(), galeraConverge(), membersEqual(), ...members.map(ledgerHolds)]),
  ],
  // the write node at the end (the survivor)
  rpoNode: 'primary',
});
