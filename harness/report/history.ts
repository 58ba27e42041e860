/**
 * The drill history: an append-only JSON Lines file (default reports/history.jsonl, or FIREDRILL_HISTORY), one line
 * per finished drill, appended by every run. A nightly CI job keeps it between nights (cache or artifact); shards'
 * files are merged by run id. Lines are never rewritten; a torn or foreign line is skipped and counted, not fatal.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { reportsDir } from '../runtime/paths.js';
import { objectiveReportOf, type EvidenceResult } from './evidence.js';

const HISTORY_FORMAT = 1;

export interface HistoryEntry {
  format: typeof HISTORY_FORMAT;
  runId: string;
  scenario: string;
  flavor: string;
  verdict: string;
  startedAt: string;
  durationMs: number;
  rtoMs: number | null;
  rpoWrites: number | null;
  rpoSeconds: number | null;
  indeterminate: number;
  objectives: { rtoSeconds: number | null; rpoWrites: number | null; rpoSeconds: number | null; met: boolean };
  checks: { total: number; failed: number };
  firedrill?: { version: string; commit: string | null };
  serverVersion?: string;
  imageId?: string | null;
  host?: string;
}

export const defaultHistoryFile = () => resolve(process.env.FIREDRILL_HISTORY ?? resolve(reportsDir, 'history.jsonl'));

export function historyEntryOf(r: EvidenceResult): HistoryEntry {
  const o = objectiveReportOf(r);
  const p = r.provenance;
  const firstServer = p ? Object.values(p.servers).find((s): s is { version: string } => 'version' in s) : undefined;
  return {
    format: HISTORY_FORMAT,
    runId: r.runId,
    scenario: r.scenario,
    flavor: r.flavor,
    verdict: r.verdict,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    rtoMs: r.rto.ms,
    rpoWrites: r.rpo.lostAcknowledgedWrites,
    rpoSeconds: r.rpo.seconds,
    indeterminate: r.rpo.indeterminate,
    objectives: { rtoSeconds: o.objectives.rtoSeconds, rpoWrites: o.objectives.rpoWrites, rpoSeconds: o.objectives.rpoSeconds, met: o.met },
    checks: { total: r.checks.length, failed: r.checks.filter((c) => !c.valid).length },
    ...(p
      ? {
          firedrill: { version: p.firedrill.version, commit: p.firedrill.commit },
          serverVersion: firstServer?.version,
          imageId: p.image?.id ?? null,
          host: p.host.name,
        }
      : {}),
  };
}

/** Appends one line for a finished drill (a single write of one line: O_APPEND keeps concurrent writers whole). */
export function appendHistory(file: string, r: EvidenceResult): HistoryEntry {
  const e = historyEntryOf(r);
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(e) + '\n');
  return e;
}

function isEntry(v: unknown): v is HistoryEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    e['format'] === HISTORY_FORMAT &&
    typeof e['runId'] === 'string' &&
    typeof e['scenario'] === 'string' &&
    typeof e['flavor'] === 'string' &&
    typeof e['startedAt'] === 'string'
  );
}

export interface HistoryRead {
  entries: HistoryEntry[];
  skipped: Array<{ file: string; line: number; reason: string }>;
}

/**
 * Reads and merges history files: one entry per run id, oldest first. The last line seen for a run wins: a run whose
 * verdict changed after its first line (a teardown that failed after the drill passed) appends a corrected line.
 * Missing files read as empty.
 */
export function readHistory(files: readonly string[]): HistoryRead {
  const seen = new Map<string, HistoryEntry>();
  const skipped: HistoryRead['skipped'] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (!text.trim()) return;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        skipped.push({ file, line: i + 1, reason: 'not JSON (torn line?)' });
        return;
      }
      if (!isEntry(v)) {
        skipped.push({ file, line: i + 1, reason: 'not a firedrill history entry' });
        return;
      }
      const key = `${v.runId}\u0000${v.scenario}\u0000${v.flavor}`;
      seen.set(key, v); // the last line of a run wins
    });
  }
  const entries = [...seen.values()].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  return { entries, skipped };
}

/** Writes a merged history (e.g. the nightly's kept copy after the shards' lines were added). */
export function writeHistory(file: string, entries: readonly HistoryEntry[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, entries.map((e) => JSON.stringify(e) + '\n').join(''));
}
