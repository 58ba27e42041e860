import type { BinlogStream } from '../backup/index.js';
import type { RecoveryCut, Snapshot } from '../verify/index.js';
import type { Finding } from '../verify/upgrade/index.js';
import type { OptionVerdict } from '../runtime/option-probe.js';
import type { TopologyContext } from '../runtime/context.js';
import type { WritableRouter } from '../workload/index.js';
import type { ReplicaFacts, SemiSyncSample } from '../verify/index.js';

/** A failover under way: the clients' proxy, what was known before the fault, and when each stage ended (ms). */
export interface FailoverState {
  router: WritableRouter;
  /** The node that was primary when the fault hit. */
  failed: string;
  /** Seconds behind per replica at the last look before the fault (the promotion report). */
  lagBefore: Record<string, number | null>;
  /** Semi-sync status of the primary, sampled (durability=semisync). */
  semiSync: SemiSyncSample[];
  faultAt?: number;
  /** The failure detector, started with the fault (detectPrimaryFailure waits for its verdict). */
  detector?: Promise<void>;
  /** When the fault had taken effect (the killed container had stopped). */
  faultDoneAt?: number;
  /** A freeze or partition of the old primary held until it returns: release it, then await its heal. */
  held?: { release: () => void; healed: Promise<void> };
  detectedAt?: number;
  promotedAt?: number;
  repointedAt?: number;
  firstAckAt?: number;
  promoted?: string;
  /** Every surviving replica as it was once it had applied what it received, before anything was promoted. */
  atFailure?: ReplicaFacts[];
  /** The promoted node's GTIDs just before it became writable. */
  promotedExecuted?: string;
  /** Acknowledged writes only the returning old primary holds, not promised by semi-sync: lost by design. */
  lostByDesign?: number[];
  /** Events promotion enabled again. */
  eventsEnabled?: string[];
  /**
   * fault=split-brain: the writers on the old primary's side of the cut (writing to it directly), those on the new
   * side (behind a proxy that cannot see the old primary), that proxy, and once the sides are joined each writer's
   * first id after its repoint.
   */
  split?: { oldSide: number[]; newSide: number[]; router: WritableRouter; firstIdAfterRepoint?: Map<number, number> };
}

/** The accident a point-in-time recovery undoes: what was dropped, when, and the database as it was before. */
interface Accident {
  db: string;
  table: string;
  cut: RecoveryCut;
  before: Snapshot;
}

/**
 * A node recovered to just before the accident (a point-in-time recovery, or a delayed replica run up to it): the
 * transaction it had to stop before, the last one it had to apply, and the cut the ledger is judged at.
 */
interface RecoveredBefore {
  stopBefore: string;
  lastApplied?: string;
  cut: RecoveryCut;
}

/**
 * What one step hands to a later one, slot by slot. Each slot is set by one step and read by the steps that
 * follow it; reading an empty slot is a runbook written in the wrong order (the drill fails, naming the slot).
 */
export interface DrillState {
  /** The poison transaction's GTID (poisonDelete). */
  poisonGtid?: string;
  /** The primary's last position, every GTID its binlogs held, and when it was noted, before it was lost (notePrimaryPosition). */
  primaryFinal?: { gtid: string; committed: string[]; at: number };
  /**
   * How many acknowledged writes the procedure loses by design, measured apart from the ledger (the transactions
   * committed after the backup point; rpoOfBackupAlone): with `expectsLoss`, the drill's RPO must equal it.
   */
  expectedLoss?: number;
  /** The uploaded artifact package and its key, kept in memory (packageAndUpload). */
  package?: { file: string; key: Buffer };
  /** The continuous binlog stream into the backup store (streamBinlogs). */
  binlogStream?: BinlogStream;
  /** The accidental DROP (accidentalDrop). */
  accident?: Accident;
  /**
   * Client time (ms) a recovery targets (e.g. just before a DROP): the drill's RPO then counts the acknowledged
   * writes before that point that the recovered node lacks.
   */
  recoveryPoint?: number;
  /** Nodes recovered to just before the accident, by name (pointInTimeRecovery, delayedReplicaUpToTheDrop). */
  recoveredBefore: Map<string, RecoveredBefore>;
  /** pre-upgrade: every finding so far, from the incompatibility report, the replay and the rolling upgrade. */
  upgradeFindings: Finding[];
  /** pre-upgrade: the node holding the primary role after a switchover (switchover); 'primary' before any. */
  currentPrimary?: string;
  /** pre-upgrade: the nodes that refused to replicate from the new primary, by switchover label (switchover). */
  replicationRefused: Map<string, string[]>;
  /** pre-upgrade: a version's verdicts on the user's option file (refused, ignored, deprecated), by flavor. */
  optionVerdicts: Map<string, Promise<OptionVerdict[]>>;
  /** primary-failover: the failover under way (clientsBehindProxy). */
  failover?: FailoverState;
  /** pre-upgrade: how nodes of another version start (its image; the user's file without what it refuses), by flavor. */
  flavorContexts: Map<string, Promise<TopologyContext>>;
}

export const emptyState = (): DrillState => ({
  recoveredBefore: new Map(),
  upgradeFindings: [],
  replicationRefused: new Map(),
  optionVerdicts: new Map(),
  flavorContexts: new Map(),
});

/** The slot's value, or the error of a runbook that reads it before the step that fills it. */
export function need<T>(value: T | undefined, missing: string): T {
  if (value === undefined) throw new Error(missing);
  return value;
}
