// Validation before an upgrade, the way a DBA prepares a major-version upgrade of a production cluster:
// 1. the incompatibility report, before anything moves (schema, routines, views, triggers, events, accounts and the
//    option file against the version step's rules and the target server's own answers);
// 2. the backups restore onto the target version (physical and logical, mariadb-upgrade) and replicate from the old;
// 3. the team's queries replayed on both versions (results, errors, warnings, time, plans); with --concurrent, a
//    general log's sessions also replayed with their interleaving on scratch copies of both versions;
// 4. the rolling upgrade under load: a replica upgraded in place, switchover to it, the old primary and the backup
//    replica kept on the old version as rollback targets, then the rollback exercised;
// 5. the other way back: the pre-upgrade backup (the physical one, taken on the old version) restored onto a fresh
//    old-version node, verified and timed;
// 6. one go/no-go over every finding (blocking findings fail the drill).
// In a multi-step upgrade (10.5 -> 10.11 -> 11.8) each step is one run of this drill; the data the physically upgraded
// node holds at the end is carried to the next step as its dataset.
// Parameters: `to` (the target version, default the family's next one: 10.5 -> 10.11, 10.11 -> 11.8) and `queries` (the team's query log or statements file,
// `workload`, or the `sample`); `firedrill pre-upgrade --to G --queries FILE` sets both. The user's --server-config
// runs on every old-version node, and on every new-version node without the options the new version refuses.
import {
  carryDataset,
  datasetPlusBulk,
  allEqualAndWhole,
  catchUpFromSources,
  concurrentReplay,
  converge,
  defineScenario,
  goNoGoVerdict,
  incompatibilityReportOf,
  ledgerHolds,
  logicalBackupOf,
  phase,
  physicalBackup,
  primaryReplicas,
  replayOn,
  restoreOntoTarget,
  stopWorkload,
  switchover,
  underLoad,
  upgradeInPlace,
  upgradeParams,
  validateUpgradeParams,
  wayBackRestore,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'pre-upgrade',
  description:
    'incompatibility report, backups restored onto the target version, queries replayed on both, rolling upgrade under load with rollback, go/no-go',
  flavors: ['mariadb-10.5', 'mariadb-10.11'],
  ...datasetPlusBulk(),
  params: { ...datasetPlusBulk().params, ...upgradeParams() },
  validate: validateUpgradeParams,
  topology: primaryReplicas({ replicas: ['replica-1'], backupReplicas: ['backup-replica'] }),
  workload: { writers: 4, ratePerSec: 150 },
  phases: [
    phase('incompatibility-report', [incompatibilityReportOf('primary')]),
    phase('physical', [underLoad(200), physicalBackup('backup-replica'), restoreOntoTarget('upgraded-physical')], { recovery: true }),
    phase('logical', [underLoad(200), logicalBackupOf('backup-replica'), restoreOntoTarget('upgraded-logical')], { recovery: true }),
    phase('replicate-across-versions', [catchUpFromSources('upgraded-physical'), catchUpFromSources('upgraded-logical')], {
      recovery: true,
    }),
    phase('query-replay', [replayOn('backup-replica', 'upgraded-physical'), concurrentReplay()]),
    phase('rolling-upgrade', [
      upgradeInPlace('replica-1'),
      underLoad(100),
      switchover('replica-1', 'switchover'),
      underLoad(100),
      allEqualAndWhole('after-switchover'),
    ]),
    phase('rollback', [switchover('primary', 'rollback'), underLoad(100), allEqualAndWhole('after-rollback')]),
    phase('way-back', [wayBackRestore('way-back')], { recovery: true }),
    phase('verify', [
      stopWorkload(),
      converge(['upgraded-physical', 'upgraded-logical']),
      ledgerHolds('upgraded-physical'),
      ledgerHolds('upgraded-logical'),
      carryDataset('upgraded-physical'),
    ]),
    phase('go-no-go', [goNoGoVerdict()]),
  ],
  rpoNode: 'upgraded-physical',
});
