// A delayed replica as the recovery path of an accident: replica-delayed applies everything 30 s late; under load
// someone drops a table of the dataset on the primary (the largest one no foreign key references, or the `dropTable`
// parameter). Recovery: the DROP is found in the primary's binary log and the delayed replica runs up to the
// transaction before it, then stops (no backup restored, no binlog replayed). Proof, as pitr-accidental-drop's on the
// same data: the table is back as it was, the replica's GTIDs stop just before the DROP, and the ledger holds every
// write acknowledged before the DROP and none sent after it.
import {
  ALL_FLAVORS,
  accidentalDrop,
  datasetPlusBulk,
  defineScenario,
  delayReplica,
  delayedReplicaUpToTheDrop,
  phase,
  primaryReplicas,
  recoveredToJustBeforeAccident,
  stopWorkload,
  tableParam,
  underLoad,
} from '../harness/scenario/index.js';

export default defineScenario({
  id: 'delayed-replica-recovery',
  description: 'DROP TABLE under load, recovered by running a 30 s delayed replica up to the transaction before the DROP',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(),
  params: {
    ...datasetPlusBulk().params,
    dropTable: tableParam("the table the accident drops (db.table; auto: the dataset's largest table no foreign key references)"),
    stopLate: {
      default: 0,
      min: 0,
      description: 'transactions the stop point lies past the last one before the DROP (a test: 1 applies the DROP, the drill must fail)',
    },
  },
  topology: primaryReplicas({ replicas: ['replica-delayed'] }),
  workload: { writers: 4, ratePerSec: 200 },
  phases: [
    phase('delay', [delayReplica('replica-delayed', 30), underLoad(300)]),
    phase('accident', [accidentalDrop(), underLoad(300)]),
    phase('detect', [stopWorkload()], { recovery: true }),
    phase('delayed-replica-recovery', [delayedReplicaUpToTheDrop('replica-delayed')], { recovery: true }),
    phase('verify', [recoveredToJustBeforeAccident('replica-delayed')], { recovery: true }),
  ],
  rpoNode: 'replica-delayed',
});
