// Seed "EBS/LVM snapshots", on Galera: one member is desynced and snapshotted (FTWRL, sync, freeze, copy) while
// the cluster keeps taking writes; later that member is lost with its datadir and is rebuilt from the snapshot. It
// recovers its position from the copy and catches up by IST from a donor's gcache instead of a full SST.
import {
  datasetPlusBulk,
  MARIADB_FLAVORS,
  defineScenario,
  galera,
  galeraConverge,
  galeraDesyncedSnapshot,
  membersEqual,
  galeraSynced,
  inject,
  ledgerHolds,
  phase,
  rebuildGaleraMember,
  rejoinedByIst,
  stopWorkload,
  underLoad,
} from '../harness/scenario/index.js';

const members = ['galera-1', 'galera-2', 'galera-3'];

export default defineScenario({
  id: 'galera-snapshot-rebuild',
  description: 'snapshot a desynced Galera member under load, lose it, rebuild it from the snapshot and rejoin by IST',
  flavors: MARIADB_FLAVORS,
  ...datasetPlusBulk(),
  topology: galera({ members, writeNode: 'galera-1' }),
  workload: { writers: 4, ratePerSec: 150 },
  phases: [
    phase('backup', [underLoad(200), galeraDesyncedSnapshot('galera-3')]),
    phase('writes-after-backup', [underLoad(400)]),
    phase('member-lost', [inject({ kind: 'destroy', target: 'galera-3' }), underLoad(200)]),
    phase('rebuild', [rebuildGaleraMember('galera-3'), galeraSynced()], { recovery: true }),
    phase(
      'verify',
      [rejoinedByIst('galera-3'), underLoad(200), stopWorkload(), galeraConverge(), membersEqual(), ...members.map(ledgerHolds)],
      { recovery: true },
    ),
  ],
  rpoNode: 'galera-3',
});
