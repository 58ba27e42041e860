// firedrill's speed and memory targets, checked on a real drill (not by timed assertions in tests).
// Usage: npm run bench [-- --mb 100 --flavor mariadb-10.11]. Exits 1 when a target is missed.
import { parseArgs } from 'node:util';
import { flavor } from '../harness/core/index.js';
import { RunContext } from '../harness/runtime/index.js';
import { findScenario, planDrill, runScenario } from '../harness/scenario/index.js';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' }, flavor: { type: 'string', default: 'mariadb-10.11' } } });
const mb = Number(values.mb);

/** Targets for a drill on a 2-core machine; times in ms, memory in MiB. */
const TARGETS: Array<{ name: string; limit: number; unit: string; measure: (r: Awaited<ReturnType<typeof runScenario>>, rssMiB: number) => number | null }> = [
  { name: 'start 3 nodes (start topology step)', limit: 15_000, unit: 'ms', measure: (r) => stepMs(r, 'setup', 'start topology') },
  { name: `restore ${mb} MB (restore phase)`, limit: 30_000, unit: 'ms', measure: (r) => phaseMs(r, 'restore') },
  { name: 'verify restore against the snapshot', limit: 30_000, unit: 'ms', measure: (r) => phaseMs(r, 'verify-restore') },
  { name: 'RTO (sum of recovery phases)', limit: 60_000, unit: 'ms', measure: (r) => r.rto.ms },
  { name: 'compare restored and replica-1 with the primary', limit: 60_000, unit: 'ms', measure: (r) => stepMs(r, 'verify', 'restored equals its source(s)') },
  { name: 'harness peak RSS', limit: 512, unit: 'MiB', measure: (_r, rss) => rss },
];

function phaseMs(r: Awaited<ReturnType<typeof runScenario>>, name: string): number | null {
  return r.phases.find((p) => p.name === name)?.durationMs ?? null;
}
function stepMs(r: Awaited<ReturnType<typeof runScenario>>, phase: string, step: string): number | null {
  const s = r.phases.find((p) => p.name === phase)?.steps.find((x) => x.name === step);
  return s ? s.endMs - s.startMs : null;
}

const run = new RunContext();
const stop = () => { void run.teardown().finally(() => process.exit(130)); };
process.once('SIGINT', stop);
try {
  const def = await findScenario('replica-kill-restore');
  const progress = (m: string) => process.stderr.write(`${m}\n`);
  const r = await runScenario(await planDrill(def, flavor(values.flavor!).id, { bulkMb: mb }, progress), { run, progress });
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  let missed = 0;
  console.log(`benchmark: replica-kill-restore on ${r.flavor}, bulk ${mb} MB, drill ${r.verdict} (${r.reportDir})`);
  for (const t of TARGETS) {
    const v = t.measure(r, rssMiB);
    const ok = v !== null && v <= t.limit;
    if (!ok) missed++;
    console.log(`${ok ? 'ok  ' : 'MISS'} ${t.name.padEnd(48)} ${v === null ? 'not measured' : `${Math.round(v)} ${t.unit}`.padStart(10)}  (target ≤ ${t.limit} ${t.unit})`);
  }
  if (r.verdict !== 'pass') { console.log('the drill itself failed: figures are not comparable'); missed++; }
  process.exitCode = missed ? 1 : 0;
} finally {
  await run.teardown();
}
