// The Galera row of a failover: the member the clients write to (through a proxy with one write node) is SIGKILLed
// under load; the survivors evict it and keep a Primary component; the most advanced survivor becomes the write node
// and the proxy moves the clients there. Measured as primary-failover measures an async or semi-sync failover:
// acknowledged writes lost (none may be: a write Galera acknowledged was certified by the whole cluster), writes in
// flight at the kill (indeterminate), the write-unavailability window, the RTO split into detection, promotion (the
// eviction), repointing and the first write. The killed member starts again, rejoins by IST from the position it
// recovered, and every member holds the same data and the whole ledger. Parameters: candidate, detectMs, bulkMb.
import {
  clientsBehindProxy,
  defineScenario,
  detectPrimaryFailure,
  firstWriteOnNewPrimary,
  galeraWriteNodeCluster,
  galeraConverge,
  galeraFailoverParams,
  membersEqual,
  galeraWriterChosen,
  killedMembersRejoin,
  ledgerHolds,
  phase,
  proxyFollowsWriteNode,
  stopWorkload,
  underLoad,
  writeNodeKilled,
} from '../harness/scenario/index.js';

const members = ['galera-1', 'galera-2', 'galera-3'];

export default defineScenario({
  id: 'galera-write-node-failover',
  description:
    'SIGKILL the Galera node the clients write to; the survivors evict it, the proxy moves the writes to one of them; lost writes, write-unavailability window, RTO split; it rejoins by IST, all equal',
  params: galeraFailoverParams(),
  ...galeraWriteNodeCluster(members),
  phases: [
    phase('prepare', [clientsBehindProxy('write-node'), underLoad(300)]),
    phase('fault', [writeNodeKilled('galera-1')]),
    phase('detect', [detectPrimaryFailure()], { recovery: true }),
    phase('promote', [galeraWriterChosen()], { recovery: true }),
    phase('repoint', [proxyFollowsWriteNode()], { recovery: true }),
    phase('first-write', [firstWriteOnNewPrimary()], { recovery: true }),
    phase('rejoin', [underLoad(200), killedMembersRejoin(['galera-1']), underLoad(200)]),
    phase('verify', [stopWorkload(), galeraConverge(), membersEqual(), ...members.map(ledgerHolds)]),
  ],
  // the write node at the end (the survivor the clients moved to)
  rpoNode: 'primary',
});
