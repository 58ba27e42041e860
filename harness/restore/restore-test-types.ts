import { timePhase, type FlavorId, type PhaseRecord } from '../core/index.js';
import type { RunContext } from '../runtime/run-context.js';
import type { CheckResult, RecordedState } from '../verify/index.js';
import type { DetectedArtifact } from './external.js';
import type { ServerConfig } from './server-config.js';

/** What `firedrill restore-test` is asked to do. */
export interface RestoreTestOptions {
  artifact: string;
  incrementals?: readonly string[];
  flavor: FlavorId;
  expect?: RecordedState;
  serverConfig?: { path: string; config: ServerConfig };
  binlogs?: { dir: string; until: { gtid: string } | { time: Date } };
  maxAgeMs?: number;
  /** The last tested backup of the same place (history), for the "has its GTID advanced" check. */
  lastTested?: (a: DetectedArtifact) => { runId: string; gtid: string; testedAt: string } | undefined;
  run: RunContext;
  progress: (m: string) => void;
  now?: () => number;
  /**
   * Instant check (openInstant): no copy, no restore; the server starts read-only on the backup itself through an
   * overlay, the same checks run, and the backup is proved byte-identical afterwards (check artifact-unchanged).
   * A ready datadir only (a prepared mariabackup folder without incrementals, a firedrill artifact, a datadir copy), on
   * MariaDB; not with binlog replay (the server is read-only).
   */
  instant?: boolean;
}

/** A timed phase: a drill's (core/phases.ts, the one phase timer). */
export type { PhaseRecord } from '../core/index.js';

export interface RestoreTestOutcome {
  artifact: DetectedArtifact;
  checks: CheckResult[];
  phases: PhaseRecord[];
  observations: Record<string, unknown>;
  /** The position the restored server stands at (what the history records). */
  gtid?: string;
  error?: string;
  /**
   * The error that stopped the test before it could judge the backup: the environment or firedrill itself (a docker
   * call, a deadline, a server never ready), not the backup. The verdict is then "error" (exit 2), never "bad backup".
   */
  stoppedBy?: unknown;
}

/** Runs one phase of the test, timed and recorded (its error in the phase's steps). */
export type PhaseTimer = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** Phases that bring the backup back as a server: their sum is the restore time (RTO of this backup). */
const RESTORE_PHASES = new Set(['stage', 'prepare', 'copy-back', 'start', 'upgrade', 'load', 'replay-binlogs']);

export function phaseTimer(phases: PhaseRecord[], progress: (m: string) => void): PhaseTimer {
  return (name, fn) => timePhase(phases, name, RESTORE_PHASES.has(name), progress, fn);
}
