// Seed mysqlbackup.py: the artifact travels as an encrypted, checksummed archive. A flipped byte, a truncated
// upload and a wrong key must each be refused with a clear error before any server is touched; the intact
// package must restore and verify.
import {
  datasetPlusBulk, ALL_FLAVORS,
  defineScenario, packageAndUpload, phase, physicalBackup, primaryReplicas, refuseTampered, restorePackaged,
  underLoad, verifyAgainstSnapshot,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'encrypted-artifact-tamper',
  description: 'package a backup (zstd + AES-256-GCM + sha256), upload it; a flipped byte, truncation, a wrong key are refused; the intact one restores',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  workload: { writers: 2, ratePerSec: 100 },
  phases: [
    phase('backup', [underLoad(100), physicalBackup('backup-replica'), packageAndUpload()]),
    phase('tamper', [refuseTampered('flip-byte'), refuseTampered('truncate'), refuseTampered('wrong-key')]),
    phase('restore', [restorePackaged('restored')], { recovery: true }),
    phase('verify-restore', [verifyAgainstSnapshot('restored')], { recovery: true }),
  ],
  rpoNode: 'backup-replica',
});
