/**
 * `firedrill report`: finds the runs (report folders, or folders holding them: the shards' downloaded artifacts),
 * reads their result.json and ledger.json, merges the history files, redacts if asked, renders one HTML file.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { LedgerEntry } from '../workload/index.js';
import type { EvidenceResult } from './evidence.js';
import { historyEntryOf, readHistory, type HistoryEntry } from './history.js';
import { renderReport, type NodeLog, type ReportRun } from './html.js';
import { redactLog, redactResult, redactor, type Redactor } from './redact.js';

function isRunDir(dir: string): boolean {
  return existsSync(join(dir, 'result.json'));
}

/** Report folders under the given paths: a path is a run folder, or is searched (3 levels) for run folders. */
function findRunDirs(paths: readonly string[]): { dirs: string[]; notes: string[] } {
  const dirs: string[] = [];
  const notes: string[] = [];
  const walk = (d: string, depth: number) => {
    if (isRunDir(d)) {
      dirs.push(d);
      return;
    }
    if (depth === 0) return;
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const p = join(d, n);
      try {
        if (statSync(p).isDirectory() && !n.startsWith('.') && n !== 'store' && n !== 'allure-results' && n !== 'node_modules')
          walk(p, depth - 1);
      } catch {
        /* vanished */
      }
    }
  };
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs)) {
      notes.push(`${p}: no such file or folder`);
      continue;
    }
    const before = dirs.length;
    walk(abs, 3);
    if (dirs.length === before) notes.push(`${p}: holds no drill result (result.json)`);
  }
  return { dirs: [...new Set(dirs)], notes };
}

function loadRun(dir: string): ReportRun {
  const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as EvidenceResult;
  if (typeof result?.runId !== 'string' || typeof result.scenario !== 'string' || !Array.isArray(result.checks))
    throw new Error(`${dir}/result.json is not a firedrill drill result`);
  let ledger: LedgerEntry[] | undefined;
  const lp = join(dir, 'ledger.json');
  // A kept run's ledger may be compressed (ledger.json.gz): large ledgers are archived that way.
  if (existsSync(lp)) ledger = JSON.parse(readFileSync(lp, 'utf8')) as LedgerEntry[];
  else if (existsSync(`${lp}.gz`)) ledger = JSON.parse(gunzipSync(readFileSync(`${lp}.gz`)).toString('utf8')) as LedgerEntry[];
  return { result, ledger, source: dir };
}

/**
 * The nodes' server logs a run saved (`nodes/<node>/*.log`, runtime/node-logs.ts), as links relative to the page.
 * Redacted, the page links copies written beside it (`<page>-logs/<run-id>/<node>/`), redacted like the result: the
 * run's own files are never linked from a page that leaves the team.
 */
function nodeLogsOf(run: ReportRun, out: string, red: Redactor | undefined): NodeLog[] {
  const root = join(run.source, 'nodes');
  const logs: NodeLog[] = [];
  let nodes: string[] = [];
  try {
    nodes = readdirSync(root).sort();
  } catch {
    return logs;
  }
  const pageDir = dirname(resolve(out));
  for (const node of nodes) {
    let files: string[] = [];
    try {
      files = readdirSync(join(root, node))
        .filter((f) => /\.(log|txt)$/.test(f))
        .sort();
    } catch {
      continue;
    }
    for (const file of files) {
      const src = join(root, node, file);
      let path = src;
      if (red) {
        const kind = file.startsWith('slow') ? 'slow' : 'error';
        path = join(pageDir, `${basename(out).replace(/\.html?$/, '')}-logs`, run.result.runId, node, file);
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        writeFileSync(path, redactLog(readFileSync(src, 'utf8'), run.result, kind, red), { mode: 0o600 });
      }
      logs.push({ node, file, href: relative(pageDir, path).split('\\').join('/'), bytes: statSync(path).size });
    }
  }
  return logs;
}

export interface BuildOptions {
  paths: readonly string[];
  historyFiles: readonly string[];
  redact?: boolean;
  out: string;
  now?: number;
  /** The firedrill that makes the page, named on it. */
  generator?: string;
}

export interface BuildOutcome {
  out: string;
  runs: ReportRun[];
  history: HistoryEntry[];
  notes: string[];
  bytes: number;
}

export function buildReport(o: BuildOptions): BuildOutcome {
  const { dirs, notes } = findRunDirs(o.paths);
  const runs: ReportRun[] = [];
  const seen = new Set<string>();
  for (const d of dirs) {
    try {
      const run = loadRun(d);
      const key = `${run.result.runId}/${run.result.scenario}/${run.result.flavor}`;
      if (seen.has(key)) {
        notes.push(`${d}: the same run as another folder (${run.result.runId}); shown once`);
        continue;
      }
      seen.add(key);
      runs.push(run);
    } catch (e) {
      notes.push(`${d}: unreadable (${(e as Error).message.split('\n')[0]})`);
    }
  }
  const h = readHistory(o.historyFiles);
  for (const s of h.skipped) notes.push(`${s.file}:${s.line}: skipped (${s.reason})`);
  // The runs reported are part of the history too (a shard's lines may have been lost when artifacts were merged):
  // one entry per run, the history's own line first.
  const known = new Set(h.entries.map((e) => `${e.runId}\u0000${e.scenario}\u0000${e.flavor}`));
  for (const r of runs) {
    const e = historyEntryOf(r.result);
    if (!known.has(`${e.runId}\u0000${e.scenario}\u0000${e.flavor}`)) h.entries.push(e);
  }
  h.entries.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const red = o.redact ? redactor() : undefined;
  const shown = runs.map((r) => ({
    ...r,
    result: red ? redactResult(r.result, red) : r.result,
    nodeLogs: nodeLogsOf(r, o.out, red),
  }));
  const html = renderReport({ runs: shown, history: h.entries, generatedAt: o.now, notes, redacted: !!o.redact, generator: o.generator });
  writeFileSync(o.out, html);
  return { out: o.out, runs, history: h.entries, notes, bytes: Buffer.byteLength(html) };
}
