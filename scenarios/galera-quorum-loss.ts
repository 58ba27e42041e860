// Seed "MariaDB Galera": two of three nodes die; the survivor goes non-Primary and refuses queries until it is
// bootstrapped (pc.bootstrap); the others rejoin. Then the whole cluster crashes and is recovered by hand from the
// most advanced member (grastate.dat / --wsrep-recover, safe_to_bootstrap).
import {
  datasetPlusBulk,
  MARIADB_FLAVORS,
  bootstrapSurvivor,
  defineScenario,
  galera,
  galeraConverge,
  membersEqual,
  galeraRefusesWithoutQuorum,
  galeraSynced,
  inject,
  ledgerHolds,
  phase,
  recoverCrashedCluster,
  stopWorkload,
  underLoad,
  whileFaulted,
} from '../harness/scenario/index.js';

const members = ['galera-1', 'galera-2', 'galera-3'];

export default defineScenario({
  id: 'galera-quorum-loss',
  description: 'kill 2 of 3 nodes: survivor non-Primary, bootstrap it, rejoin; then crash all 3 and recover from the most advanced',
  flavors: MARIADB_FLAVORS,
  ...datasetPlusBulk(),
  topology: galera({ members, writeNode: 'galera-1' }),
  workload: { writers: 4, ratePerSec: 150 },
  phases: [
    phase(
      'quorum-loss',
      [
        underLoad(200),
        whileFaulted({ kind: 'kill', target: 'galera-2,galera-3' }, [
          galeraRefusesWithoutQuorum('galera-1'),
          bootstrapSurvivor('galera-1'),
          underLoad(300),
        ]),
      ],
      { recovery: true },
    ),
    phase('rejoin', [galeraSynced()], { recovery: true }),
    phase('full-crash', [underLoad(200), inject({ kind: 'kill', target: members.join(','), restart: false })]),
    phase('recover-cluster', [recoverCrashedCluster(), galeraSynced()], { recovery: true }),
    phase('verify', [underLoad(200), stopWorkload(), galeraConverge(), membersEqual(), ...members.map(ledgerHolds)]),
  ],
  rpoNode: 'galera-1',
});
