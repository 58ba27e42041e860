// Seed mysqlbackup.py: the artifact travels as an encrypted, checksummed archive. A flipped byte, a truncated
// upload, a wrong key and a ciphertext byte altered before the sidecar was made (only AES-GCM sees it) must each be
// refused with a clear error before any server is touched; the intact
// package must restore and verify.
import {
  datasetPlusBulk,
  ALL_FLAVORS,
  defineScenario,
  packageAndUpload,
  phase,
  physicalBackup,
  primaryReplicas,
  refuseTampered,
  restorePackaged,
  underLoad,
  verifyAgainstSnapshot,
  stopWorkload,
  converge,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'encrypted-artifact-tamper',
  description:
    'package a backup (zstd + chunked AES-256-GCM, sidecar authenticated), upload it; a flipped byte, truncation, a wrong key, a ciphertext flip only GCM can see are refused; the intact one restores',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  workload: { writers: 2, ratePerSec: 100 },
  phases: [
    phase('backup', [underLoad(100), physicalBackup('backup-replica'), packageAndUpload()]),
    phase('tamper', [
      refuseTampered('flip-byte'),
      refuseTampered('truncate'),
      refuseTampered('wrong-key'),
      refuseTampered('flip-ciphertext-resealed'),
    ]),
    phase('restore', [restorePackaged('restored')], { recovery: true }),
    phase('verify-restore', [verifyAgainstSnapshot('restored')], { recovery: true }),
    // The RPO is judged on the backup replica: only once it has caught up (it lagged the last write by ms).
    phase('verify', [stopWorkload(), converge(['backup-replica'])]),
  ],
  rpoNode: 'backup-replica',
});
