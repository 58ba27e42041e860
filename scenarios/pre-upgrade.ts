// Validation before an upgrade: the 10.11 backup replica's physical backup and logical dump are restored onto
// MariaDB 11.8 (with mariadb-upgrade), verified, and replicate from the 10.11 primary. What the upgrade rewrote is
// reported apart from anything that would be data loss.
import {
  datasetPlusBulk,
  catchUpFromSources, converge, defineScenario, equalsPrimary, ledgerHolds, logicalBackupOf, phase, physicalBackup,
  primaryReplicas, restoreOnto, stopWorkload, underLoad,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'pre-upgrade',
  description: 'restore 10.11 backups (physical + logical) onto 11.8, run mariadb-upgrade, verify, replicate 10.11 → 11.8',
  flavors: ['mariadb-10.11'],
  ...datasetPlusBulk(),
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  workload: { writers: 4, ratePerSec: 150 },
  phases: [
    phase('physical', [underLoad(200), physicalBackup('backup-replica'), restoreOnto('upgraded-physical', 'mariadb-11.8')], { recovery: true }),
    phase('logical', [underLoad(200), logicalBackupOf('backup-replica'), restoreOnto('upgraded-logical', 'mariadb-11.8')], { recovery: true }),
    phase('replicate-across-versions', [catchUpFromSources('upgraded-physical'), catchUpFromSources('upgraded-logical')], { recovery: true }),
    phase('verify', [
      stopWorkload(), converge(['upgraded-physical', 'upgraded-logical']),
      equalsPrimary('upgraded-physical'), equalsPrimary('upgraded-logical'), ledgerHolds('upgraded-physical'), ledgerHolds('upgraded-logical'),
    ]),
  ],
  rpoNode: 'upgraded-physical',
});
