import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DrillResult } from './result.js';
import type { Ledger } from '../workload/index.js';

const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);

/** A few lines for a person at a terminal. */
export function consoleSummary(r: DrillResult): string {
  const lines = [
    `${r.verdict === 'pass' ? 'PASS' : 'FAIL'} ${r.scenario} on ${r.flavor} (run ${r.runId}, ${secs(r.durationMs)})`,
    ...r.phases.map((p) => `  ${p.recovery ? '*' : ' '} ${p.name.padEnd(16)} ${secs(p.durationMs).padStart(10)}${p.steps.some((s) => s.error) ? '  (step failed)' : ''}`),
    `  RTO ${secs(r.rto.ms)} (${r.rto.method}; * = recovery phase)`,
    `  RPO ${r.rpo.lostAcknowledgedWrites ?? 'n/a'} lost acknowledged writes, ${r.rpo.seconds ?? 'n/a'} s of writes, on ${r.rpo.node}; ${r.rpo.indeterminate} indeterminate (${r.rpo.method})`,
    ...r.checks.map((c) => `  ${c.valid ? 'ok  ' : 'FAIL'} ${c.name}${c.valid ? '' : `: ${JSON.stringify(c.details).slice(0, 400)}`}`),
    ...(r.error ? [`  error: ${r.error.split('\n').slice(0, 6).join('\n         ')}`] : []),
    `  report: ${r.reportDir}`,
  ];
  return lines.join('\n');
}

function markdown(r: DrillResult): string {
  const rows = r.phases.map((p) => `| ${p.name} | ${p.recovery ? 'yes' : ''} | ${secs(p.durationMs)} | ${p.steps.map((s) => s.name + (s.error ? ' (FAILED)' : '')).join('; ')} |`);
  const checks = r.checks.map((c) => `| ${c.name} | ${c.valid ? 'pass' : '**fail**'} | ${c.valid ? '' : '`' + JSON.stringify(c.details).slice(0, 300).replace(/\|/g, '\\|') + '`'} |`);
  return [
    `# ${r.scenario} on ${r.flavor}: ${r.verdict.toUpperCase()}`, '', r.description, '',
    `Run ${r.runId}, started ${r.startedAt}, ${secs(r.durationMs)}.`, '',
    `**RTO** ${secs(r.rto.ms)} — ${r.rto.method}.`, '',
    `**RPO** ${r.rpo.lostAcknowledgedWrites ?? 'n/a'} lost acknowledged writes (${r.rpo.seconds ?? 'n/a'} s of writes) on ${r.rpo.node}; ${r.rpo.indeterminate} indeterminate — ${r.rpo.method}.`, '',
    '| phase | recovery | time | steps |', '|---|---|---|---|', ...rows, '',
    '| check | verdict | details |', '|---|---|---|', ...checks, '',
    ...(r.faults.length ? ['## Faults', ...r.faults.map((f) => `- ${f.description}: injected ${new Date(f.injectedAt).toISOString()}, healed ${f.healedAt ? new Date(f.healedAt).toISOString() : 'never'}`), ''] : []),
    ...(r.error ? ['## Error', '```', r.error, '```', ''] : []),
  ].join('\n');
}

const xml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

function junit(r: DrillResult): string {
  const cases = r.checks.map((c) => `    <testcase classname="${xml(`${r.scenario}.${r.flavor}`)}" name="${xml(c.name)}">${c.valid ? '' : `<failure message="${xml(c.name)} failed">${xml(JSON.stringify(c.details, null, 2))}</failure>`}</testcase>`);
  if (r.error) cases.push(`    <testcase classname="${xml(`${r.scenario}.${r.flavor}`)}" name="drill"><error message="drill did not complete">${xml(r.error)}</error></testcase>`);
  const failures = r.checks.filter((c) => !c.valid).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${xml(`${r.scenario} (${r.flavor})`)}" tests="${cases.length}" failures="${failures}" errors="${r.error ? 1 : 0}" time="${(r.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}

/** Writes result.json (for CI and tools), summary.md (for people), junit.xml (for CI dashboards), ledger.json. */
export async function writeReport(r: DrillResult, ledger?: Ledger): Promise<void> {
  await writeFile(join(r.reportDir, 'result.json'), JSON.stringify(r, null, 2) + '\n');
  await writeFile(join(r.reportDir, 'summary.md'), markdown(r));
  await writeFile(join(r.reportDir, 'junit.xml'), junit(r));
  if (ledger) await writeFile(join(r.reportDir, 'ledger.json'), JSON.stringify(ledger.toJSON()) + '\n');
}
