// The Galera form of replica-partition: one node is cut off the network under load. The minority side (the
// isolated node) must refuse queries; the majority keeps a Primary component and keeps writing; after the heal the
// node rejoins (IST) and all three are equal.
import {
  datasetPlusBulk,
  MARIADB_FLAVORS,
  defineScenario,
  galera,
  galeraClusterSize,
  galeraConverge,
  membersEqual,
  galeraRefusesWithoutQuorum,
  galeraSynced,
  ledgerHolds,
  phase,
  stopWorkload,
  underLoad,
  whileFaulted,
} from '../harness/scenario/index.js';

const members = ['galera-1', 'galera-2', 'galera-3'];

export default defineScenario({
  id: 'galera-partition',
  description:
    'cut one Galera node off the network under load: the minority refuses queries, the majority writes on; heal, rejoin, all equal',
  flavors: MARIADB_FLAVORS,
  ...datasetPlusBulk(),
  topology: galera({ members, writeNode: 'galera-1' }),
  workload: { writers: 4, ratePerSec: 150 },
  phases: [
    phase('partition', [
      underLoad(200),
      whileFaulted({ kind: 'partition', target: 'minority' /* galera-3 */ }, [
        galeraRefusesWithoutQuorum('galera-3', 'local'),
        galeraClusterSize('galera-1', 2),
        underLoad(400),
      ]),
    ]),
    phase('rejoin', [galeraSynced(['galera-3'])], { recovery: true }),
    phase('verify', [stopWorkload(), galeraConverge(), membersEqual(), ...members.map(ledgerHolds)]),
  ],
  rpoNode: 'galera-3',
});
