// Seed "MariaDB Galera": the node that bootstrapped the cluster loses its datadir and is SIGKILLed. The survivors
// keep serving writes; the node rejoins with an empty datadir through a full state transfer (SST by mariabackup,
// the production method: the donor stays readable and writable while it streams a hot backup).
import {
  datasetPlusBulk,
  MARIADB_FLAVORS,
  defineScenario,
  galera,
  galeraClusterSize,
  galeraConverge,
  membersEqual,
  galeraSynced,
  inject,
  ledgerHolds,
  phase,
  rejoinedBySst,
  startNode,
  stopWorkload,
  underLoad,
} from '../harness/scenario/index.js';

const members = ['galera-1', 'galera-2', 'galera-3'];

export default defineScenario({
  id: 'galera-datadir-wiped',
  description: "delete the bootstrap node's datadir and SIGKILL it; survivors keep writing; it rejoins by SST; all three equal",
  flavors: MARIADB_FLAVORS,
  ...datasetPlusBulk(),
  topology: galera({ members, writeNode: 'galera-2', sst: 'mariabackup' }),
  workload: { writers: 4, ratePerSec: 150 },
  phases: [
    phase('wipe', [
      underLoad(200),
      inject({ kind: 'wipe-datadir', target: 'galera-1', restart: false }),
      galeraClusterSize('galera-2', 2),
      underLoad(400),
    ]),
    phase('rejoin', [startNode('galera-1'), galeraSynced(['galera-1']), rejoinedBySst('galera-1')], { recovery: true }),
    phase('verify', [stopWorkload(), galeraConverge(), membersEqual(), ...members.map(ledgerHolds)]),
  ],
  rpoNode: 'galera-1',
});
