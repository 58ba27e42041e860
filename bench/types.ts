/** One harness step and the physical work it stands for, measured back to back (fastest of each kept). */
export interface Pair {
  harnessMs: number;
  baselineMs: number;
  harnessRuns: number[];
  baselineRuns: number[];
  note?: string;
  /** A condition the ratio only counts with (e.g. the comparison still names the differing rows). */
  proviso?: boolean;
  /** The first measurement missed its target and the pair was measured once more (the runs hold both). */
  rerun?: boolean;
  /** The machine's 1-minute load average when the measurement started and ended (the machine is shared). */
  loadavg?: number[];
}

/** The pairs bench/size.ts can measure (bench/targets.ts gives each its target). */
export type PairKey =
  | 'verify'
  | 'copyBack'
  | 'compare'
  | 'load'
  | 'dumpLoad'
  | 'dumpLoadZst'
  | 'instant'
  | 's3Restore'
  | 'diffRowsSpread'
  | 'diffRowsClustered'
  | 'diffChecksumSpread'
  | 'diffChecksumClustered';

/** What bench/size.ts measures at one size. */
export interface SizeResult {
  mb: number;
  flavor: string;
  reps: number;
  drill?: {
    runId: string;
    verdict: string;
    durationMs: number;
    reportDir: string;
    error?: string;
    phases: Record<string, number>;
    rtoMs: number | null;
  };
  artifact?: { id: string; method: string; bytes: number; files: number };
  rssMiB: { afterDrill: number; peak: number };
  pairs: Partial<Record<PairKey, Pair>>;
}
