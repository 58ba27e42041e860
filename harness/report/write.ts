import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DrillResult } from './result.js';
import { checkLine } from '../verify/index.js';
import type { Ledger, LedgerEntry } from '../workload/index.js';
import { allureDirOf, readIfExists, writeAllureResult } from './allure.js';
import { appendHistory, defaultHistoryFile } from './history.js';
import { explainedOf } from './explained.js';
import { junitXml } from './junit.js';
import { objectiveLines, summaryMarkdown } from './summary.js';

const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);

/** A few lines for a person at a terminal. */
export function consoleSummary(r: DrillResult): string {
  const lines = [
    `${r.verdict.toUpperCase()} ${r.scenario} on ${r.flavor} (run ${r.runId}, ${secs(r.durationMs)})`,
    ...(r.cause ? [`  cause: ${r.cause.kind}: ${r.cause.message}`] : []),
    ...r.phases.map(
      (p) =>
        `  ${p.recovery ? '*' : ' '} ${p.name.padEnd(16)} ${secs(p.durationMs).padStart(10)}${p.steps.some((s) => s.error) ? '  (step failed)' : ''}`,
    ),
    `  RTO ${secs(r.rto.ms)} (${r.rto.method}; * = recovery phase)`,
    `  RPO ${r.rpo.lostAcknowledgedWrites ?? 'n/a'} lost acknowledged writes, ${r.rpo.seconds ?? 'n/a'} s of writes, on ${r.rpo.node}; ${r.rpo.indeterminate} indeterminate (${r.rpo.method})`,
    ...objectiveLines(r).map((l) => `  objective: ${l}`),
    ...r.checks.map((c) => `  ${checkLine(c)}`),
    ...(r.error ? [`  error: ${r.error.split('\n').slice(0, 6).join('\n         ')}`] : []),
    `  report: ${r.reportDir}`,
    ...explainedOf(r)
      .filter((e) => e.severity !== 'info')
      .map((e) => `  explained (${e.severity}, not a failure): ${e.database}.${e.object}: ${e.finding} (rule ${e.rule})`),
  ];
  return lines.join('\n');
}

/**
 * Writes result.json (for CI and tools), summary.md (for people), junit.xml (for CI dashboards), ledger.json (every
 * write), allure-results/ (for Allure), and appends the drill to the history (reports/history.jsonl or
 * FIREDRILL_HISTORY). Each file is written even when another could not be: evidence is never all-or-nothing.
 */
export async function writeReport(r: DrillResult, ledger?: Ledger): Promise<void> {
  const summary = summaryMarkdown(r);
  // Written again after the teardown (with its failures) and then without the ledger: it is read back from the folder.
  const entries = ledger?.toJSON() ?? readLedger(r.reportDir);
  const problems: string[] = [];
  try {
    // one Allure result per drill: a second write replaces the first
    rmSync(allureDirOf(r.reportDir), { recursive: true, force: true });
    writeAllureResult(r, allureDirOf(r.reportDir), { summary, log: readIfExists(join(r.reportDir, 'drill.log')), ledger: entries });
  } catch (e) {
    problems.push(`allure-results not written: ${(e as Error).message}`);
  }
  try {
    // one history line per drill; the report is written again after the teardown, and a verdict that changed there
    // (a failed teardown turns a pass into an error) appends a corrected line, which readers keep (the last per run)
    if (appended.get(r.runId) !== r.verdict) {
      appendHistory(defaultHistoryFile(), r);
      appended.set(r.runId, r.verdict);
    }
  } catch (e) {
    problems.push(`history not appended: ${(e as Error).message}`);
  }
  if (problems.length) r.teardownFailures = [...(r.teardownFailures ?? []), ...problems];
  await writeFile(join(r.reportDir, 'result.json'), JSON.stringify(r, null, 2) + '\n');
  await writeFile(join(r.reportDir, 'summary.md'), summary);
  await writeFile(join(r.reportDir, 'junit.xml'), junitXml([r]));
  if (ledger) await writeFile(join(r.reportDir, 'ledger.json'), JSON.stringify(entries) + '\n');
}

const appended = new Map<string, string>();

function readLedger(dir: string): LedgerEntry[] | undefined {
  const text = readIfExists(join(dir, 'ledger.json'));
  try {
    return text ? (JSON.parse(text) as LedgerEntry[]) : undefined;
  } catch {
    return undefined;
  }
}
