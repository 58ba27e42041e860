/** `firedrill clean`: what runs that are no longer alive left behind, removed; a killed run's report written. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FLAVORS, type FlavorId } from '../core/index.js';
import { writeReport, type DrillResult } from '../report/index.js';
import { cleanDeadRuns, engineVersion } from '../runtime/index.js';
import { reportsDir } from '../runtime/paths.js';
import { errorResult } from '../scenario/index.js';
import { out, parseOptions, printHelp } from './options.js';

export const HELP_CLEAN =
  'usage: firedrill clean [--all]\n\nRemoves containers, volumes and networks of runs whose process is gone (--all: of every run).';

/**
 * A run whose process was killed (SIGKILL, out of memory, a machine that stopped) wrote no report: clean writes one
 * (verdict interrupted, what was removed) when the run's drill.log names its drill, so CI and the history see it.
 */
async function reportKilledRun(runId: string, removed: readonly string[]): Promise<string | undefined> {
  const dir = join(reportsDir, runId);
  const why = `firedrill clean removed ${removed.length} object(s): ${removed.join(', ')}`;
  if (existsSync(join(dir, 'result.json'))) {
    // The drill's own report, written before its teardown: killed during the teardown, the run is interrupted (its
    // checks stay as they were; a report written after the teardown is final and left alone).
    let r: DrillResult;
    try {
      r = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as DrillResult;
    } catch {
      return undefined;
    }
    if (r.tornDown) return undefined;
    r.verdict = 'interrupted';
    r.error = `the process running this drill was killed before its teardown ended; ${why}${r.error ? `; before that: ${r.error}` : ''}`;
    r.cause = { kind: 'interrupted', message: 'the process running this drill was killed before its teardown ended' };
    await writeReport(r);
    return join(dir, 'result.json');
  }
  let text: string;
  try {
    text = await readFile(join(dir, 'drill.log'), 'utf8');
  } catch {
    return undefined;
  }
  const m = new RegExp(`^(\\S+) run ${runId}: (\\S+) on (\\S+)`, 'm').exec(text);
  if (!m || !(m[3]! in FLAVORS)) return undefined;
  const result = errorResult(
    { id: m[2]!, description: 'ended without a report: its process was killed', rpoNode: '' },
    m[3] as FlavorId,
    runId,
    `the process running this drill ended without a report (SIGKILL, out of memory, or the machine stopped); ${why}`,
    'interrupted',
  );
  if (!Number.isNaN(Date.parse(m[1]!))) result.startedAt = new Date(m[1]!).toISOString();
  await writeReport(result);
  return join(dir, 'result.json');
}

export async function cmdClean(args: string[]): Promise<number> {
  const { values } = parseOptions(args, { all: { type: 'boolean' } });
  if (values.help) return printHelp(HELP_CLEAN);
  await engineVersion();
  const removed = await cleanDeadRuns({ all: !!values.all });
  for (const r of removed) {
    out(`removed run ${r.runId} (${r.why}): ${r.removed.join(', ')}`);
    const written = await reportKilledRun(r.runId, r.removed);
    if (written) out(`  its report: ${written}`);
  }
  for (const r of removed.leftAlone ?? []) out(`left alone run ${r.runId} (${r.why})`);
  out(removed.length ? `cleaned ${removed.length} run(s)` : 'nothing to clean');
  return 0;
}
