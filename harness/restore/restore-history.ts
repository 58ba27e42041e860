/**
 * restore-test's own history (reports/restore-test-history.json): one entry per backup tested, keyed by the place the
 * backups come from and their kind. It answers two questions a nightly job asks: has the newest backup's position
 * advanced since the last one tested (staleness, --max-age), and how long did restoring this kind of backup take on
 * the nights before (the restore time as a trend: RTO evidence, and a slowing restore seen before it matters).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isS3Url } from '../backup/index.js';
import { reportsDir } from '../runtime/index.js';
import type { RecordedState } from '../verify/index.js';

export interface HistoryEntry {
  runId: string;
  location: string;
  kind: string;
  artifact: string;
  flavor: string;
  /** The test's verdict (pass, fail, error, interrupted). */
  verdict: string;
  gtid?: string;
  createdAt?: string;
  testedAt: string;
  /** The restore time (the phases that bring the backup back as a server), when the test got that far. */
  restoreMs?: number;
}

/** Which backups an entry is compared with: the same place, the same kind, the same server flavor. */
export interface HistoryKey {
  location: string;
  kind: string;
  flavor: string;
}

const historyFile = () => join(reportsDir, 'restore-test-history.json');

export async function readHistory(file = historyFile()): Promise<HistoryEntry[]> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as HistoryEntry[];
  } catch {
    return [];
  }
}

/** Appends an entry (the newest 1000 are kept), written to a temporary file and renamed: never half a file. */
export async function appendHistory(e: HistoryEntry, file = historyFile()): Promise<void> {
  const all = [...(await readHistory(file)), e].slice(-1000);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(all, null, 2) + '\n');
  await rename(`${file}.tmp`, file);
}

/**
 * Which backups follow one another in the history: --history-key, else the source the state was recorded on
 * (--expect), else the folder the artifact is in.
 */
export const historyKeyOf = (artifact: string, expect?: RecordedState, given?: string) =>
  given ??
  (expect
    ? `source ${expect.source.label}`
    : isS3Url(artifact)
      ? artifact.replace(/\/+$/, '').replace(/\/[^/]*$/, '')
      : dirname(resolve(artifact)));

const sameKey = (e: HistoryEntry, at: HistoryKey) => e.location === at.location && e.kind === at.kind && e.flavor === at.flavor;

/** The last passing test of a backup of the same kind from the same place, with a GTID position. */
export function lastTested(h: readonly HistoryEntry[], at: HistoryKey): HistoryEntry | undefined {
  return [...h].reverse().find((e) => sameKey(e, at) && e.verdict === 'pass' && e.gtid);
}

/** One earlier restore of the same kind of backup from the same place. */
export interface TrendPoint {
  testedAt: string;
  restoreMs: number;
  verdict: HistoryEntry['verdict'];
}

/** The restore times of the `n` latest earlier tests of the same kind from the same place, oldest first. */
export function restoreTrend(h: readonly HistoryEntry[], at: HistoryKey, n = 7): TrendPoint[] {
  return h
    .filter((e) => sameKey(e, at) && e.restoreMs !== undefined)
    .slice(-n)
    .map((e) => ({ testedAt: e.testedAt, restoreMs: e.restoreMs!, verdict: e.verdict }));
}
