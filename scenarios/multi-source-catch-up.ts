// Seed mysqlbackup.py on a fan-in: the fan-in replica loses its datadir. It is rebuilt from a backup taken on it
// earlier under a temporary server id, and catches up once per source, each on its own channel (MariaDB named
// connection with the source's domain, MySQL channel), until less than one second behind that source; then it
// stops, restarts under its own server id as a ready datadir, and follows both primaries again.
import {
  datasetPlusBulk,
  ALL_FLAVORS,
  converge,
  defineScenario,
  equalsPrimary,
  expectReplicating,
  gtidCoversSources,
  inject,
  ledgerHolds,
  multiSource,
  phase,
  physicalBackup,
  reattachToSources,
  rebuildWithCatchUp,
  stopWorkload,
  underLoad,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'multi-source-catch-up',
  description: 'fan-in loses its datadir; rebuild it with a temporary server id, one catch-up per source, restart it as itself',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: multiSource({ sources: ['primary-a', 'primary-b'], backupReplicas: ['fanin'] }),
  workload: { writers: 2, ratePerSec: 100 },
  phases: [
    phase('backup', [underLoad(300), physicalBackup('fanin')]),
    phase('lose-fanin', [underLoad(200), inject({ kind: 'destroy', target: 'fanin' }), underLoad(300)]),
    phase('rebuild-with-catch-up', [rebuildWithCatchUp('fanin')], { recovery: true }),
    phase('follow-sources', [reattachToSources('fanin'), expectReplicating('fanin')], { recovery: true }),
    phase('verify', [stopWorkload(), converge(['fanin']), gtidCoversSources('fanin'), equalsPrimary('fanin'), ledgerHolds('fanin')]),
  ],
  rpoNode: 'fanin',
});
