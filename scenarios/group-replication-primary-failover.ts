// The Group Replication row of a failover: the primary of a three-member single-primary group (MySQL 9.7) is SIGKILLed
// (or, with the `fault` parameter, frozen or cut off the network) under load; the survivors expel it and elect a new primary by themselves; the clients, which find the primary in the
// members' view of the group (performance_schema.replication_group_members, as MySQL Router does), move their writes
// there. Measured as primary-failover measures an async or semi-sync failover: acknowledged writes lost (measured on
// every member, not assumed), writes in flight at the kill (indeterminate), the write-unavailability window, the RTO
// split into detection, promotion (the group's election), repointing and the first write. The killed member starts
// again (thawed, reconnected), rejoins by distributed recovery, and every member holds the same data and the whole
// ledger. Parameters: fault, detectMs, bulkMb.
import {
  clientsBehindProxy,
  defineScenario,
  detectPrimaryFailure,
  firstWriteOnNewPrimary,
  groupConverges,
  groupElectsPrimary,
  groupFailoverParams,
  groupReplicationGroup,
  formerPrimaryRejoins,
  ledgerHolds,
  membersEqual,
  phase,
  primaryFault,
  proxyFollowsWriteNode,
  secondariesRefuseWrites,
  stopWorkload,
  underLoad,
} from '../harness/scenario/index.js';

const members = ['gr-1', 'gr-2', 'gr-3'];

export default defineScenario({
  id: 'group-replication-primary-failover',
  description:
    'SIGKILL (or freeze, or cut off) the primary of a MySQL Group Replication group; the group elects a new one, the clients follow it; lost writes, write-unavailability window, RTO split; it rejoins by distributed recovery, all equal',
  params: groupFailoverParams(),
  ...groupReplicationGroup(members),
  phases: [
    phase('prepare', [secondariesRefuseWrites(), clientsBehindProxy('group-primary'), underLoad(300)]),
    phase('fault', [primaryFault()]),
    phase('detect', [detectPrimaryFailure()], { recovery: true }),
    phase('promote', [groupElectsPrimary()], { recovery: true }),
    phase('repoint', [proxyFollowsWriteNode()], { recovery: true }),
    phase('first-write', [firstWriteOnNewPrimary()], { recovery: true }),
    phase('rejoin', [underLoad(200), formerPrimaryRejoins(), underLoad(200)]),
    phase('verify', [stopWorkload(), groupConverges(), membersEqual(), ...members.map(ledgerHolds)]),
  ],
  // the primary at the end (the member the group elected)
  rpoNode: 'primary',
});
