// Seed "continuous restore" / PITR: binlogs are streamed off the primary all day (the streamer itself crashes once
// and is resumed); under load someone drops a table of the dataset (the largest one no foreign key references, or
// the `dropTable` parameter). Recovery: the last physical backup plus the streamed
// binlogs, replayed up to the transaction just before the DROP. Proof: the table is back as it was, and the ledger
// holds every write acknowledged before the DROP and none sent after it. Then the same recovery by time (the whole
// second before the DROP), checked against the ledger at that second.
import {
  datasetPlusBulk,
  ALL_FLAVORS,
  accidentalDrop,
  defineScenario,
  tableParam,
  phase,
  physicalBackup,
  pointInTimeRecovery,
  primaryReplicas,
  recoveredToJustBeforeAccident,
  stopWorkload,
  streamBinlogs,
  streamComplete,
  streamerCrashAndResume,
  underLoad,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'pitr-accidental-drop',
  description: 'stream binlogs (streamer crash included), DROP TABLE under load, recover to the transaction before the DROP',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  params: {
    ...datasetPlusBulk().params,
    dropTable: tableParam("the table the accident drops (db.table; auto: the dataset's largest table no foreign key references)"),
  },
  topology: primaryReplicas({ replicas: [], backupReplicas: ['backup-replica'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('stream', [streamBinlogs('primary'), underLoad(200)]),
    phase('backup', [physicalBackup('backup-replica')]),
    phase('writes-after-backup', [underLoad(300), streamerCrashAndResume(200), underLoad(300)]),
    phase('accident', [accidentalDrop(), underLoad(300)]),
    phase('detect', [stopWorkload(), streamComplete()], { recovery: true }),
    phase('point-in-time-recovery', [pointInTimeRecovery('pitr')], { recovery: true }),
    phase('verify', [recoveredToJustBeforeAccident('pitr')], { recovery: true }),
    // The same recovery when all the DBA knows is when it happened: up to the second before the DROP's second.
    phase('recovery-by-time', [pointInTimeRecovery('pitr-by-time', 'time'), recoveredToJustBeforeAccident('pitr-by-time')]),
  ],
  rpoNode: 'pitr',
});
