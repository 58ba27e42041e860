/** One harness step and the physical work it stands for, measured back to back (fastest of each kept). */
export interface Pair {
  harnessMs: number;
  baselineMs: number;
  harnessRuns: number[];
  baselineRuns: number[];
  note?: string;
  /** A condition the ratio only counts with (e.g. the comparison still names the differing rows). */
  proviso?: boolean;
}

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
  pairs: Partial<Record<'verify' | 'copyBack' | 'compare' | 'load' | 'instant' | 's3Restore', Pair>>;
}
