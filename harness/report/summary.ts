/** summary.md: the drill for people, with its objectives (target vs measured, met or missed) and its provenance. */
import { judgementsOf, objectiveLabel, objectiveReportOf, type EvidenceResult } from './evidence.js';
import { describeJudgement } from './objectives.js';
import { explainedMarkdown } from './explained.js';
import { zonedTimestamp } from './log.js';
import { goNoGoMarkdown, type GoNoGo, type WayBack } from '../verify/upgrade/index.js';
import { outcomeOf, type CheckResult } from '../verify/index.js';

const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** "3 of 5 passed, 1 skipped, 1 not applicable": what ran and what did not, never one count for both. */
export function checkCounts(checks: readonly CheckResult[]): string {
  const n = (o: string) => checks.filter((c) => outcomeOf(c) === o).length;
  const ran = checks.filter((c) => !c.status).length;
  return [
    `${n('passed')} of ${ran} passed`,
    ...(n('skipped') ? [`${n('skipped')} skipped`] : []),
    ...(n('not-applicable') ? [`${n('not-applicable')} not applicable`] : []),
  ].join(', ');
}

/** Objective lines for a terminal: "RTO 2.93 s against 900 s: met". */
export function objectiveLines(r: EvidenceResult): string[] {
  return objectiveReportOf(r).judgements.map((j) => `${objectiveLabel(j)} ${describeJudgement(j)}`);
}

export function summaryMarkdown(r: EvidenceResult): string {
  const o = objectiveReportOf(r);
  const p = r.provenance;
  const failing = judgementsOf(r).filter((j) => !j.ok && j.name !== 'verdict');
  return [
    `# ${r.scenario} on ${r.flavor}: ${r.verdict.toUpperCase()}`,
    '',
    ...(r.cause ? [`Cause: **${r.cause.kind}**: ${r.cause.message}`, ''] : []),
    r.description,
    '',
    `Run ${r.runId}, ${zonedTimestamp(Date.parse(r.startedAt))} to ${r.endedAt ? zonedTimestamp(Date.parse(r.endedAt)) : 'n/a'} (${secs(r.durationMs)}).`,
    '',
    ...(failing.length ? ['## Why it failed', '', ...failing.map((j) => `- **${j.name}**: ${j.message}`), ''] : []),
    ...explainedMarkdown(r),
    '## Objectives',
    '',
    '| objective | target | measured | result | set by |',
    '|---|---|---|---|---|',
    ...o.judgements.map((j) => {
      const f = (v: number | null) => (v === null ? '—' : j.unit === 's' ? `${+v.toFixed(3)} s` : `${v} writes`);
      return `| ${objectiveLabel(j)} | ${f(j.target)} | ${j.measured === null ? 'not measured' : f(j.measured)} | ${j.target === null ? 'no objective' : j.met ? 'met' : '**MISSED**'} | ${j.source} |`;
    }),
    '',
    `RTO: ${r.rto.method}${
      Object.keys(r.rto.phases).length
        ? ` (${Object.entries(r.rto.phases)
            .map(([k, v]) => `${k} ${secs(v)}`)
            .join(' + ')})`
        : ''
    }.`,
    `RPO: ${r.rpo.method}, on ${r.rpo.node}; ${r.rpo.indeterminate} write(s) whose outcome the client could not know, counted apart.`,
    '',
    '## Phases',
    '',
    '| phase | recovery | time | steps |',
    '|---|---|---|---|',
    ...r.phases.map(
      (ph) =>
        `| ${cell(ph.name)} | ${ph.recovery ? 'yes' : ''} | ${secs(ph.durationMs)} | ${cell(ph.steps.map((s) => s.name + (s.error ? ' (FAILED)' : '')).join('; '))} |`,
    ),
    '',
    ...(r.faults.length
      ? [
          '## Faults',
          '',
          ...r.faults.map(
            (f) =>
              `- ${f.description}: injected ${zonedTimestamp(f.injectedAt)}, healed ${f.healedAt ? `${zonedTimestamp(f.healedAt)} (${secs(f.healedAt - f.injectedAt)} later)` : 'never'}`,
          ),
          '',
        ]
      : []),
    `## Checks (${checkCounts(r.checks)})`,
    '',
    '| check | verdict | details |',
    '|---|---|---|',
    ...r.checks.map((c) => {
      const o = outcomeOf(c);
      const verdict = o === 'passed' ? 'pass' : o === 'failed' ? '**fail**' : o === 'skipped' ? '**skipped**' : 'not applicable';
      return `| ${cell(c.name)} | ${verdict} | ${c.reason ? `${cell(c.reason)} ` : ''}\`${cell(JSON.stringify(c.details).slice(0, 300))}\` |`;
    }),
    '',
    // pre-upgrade: the go/no-go page (every finding with its severity)
    ...(r.observations['go/no-go']
      ? [goNoGoMarkdown(r.observations['go/no-go'] as GoNoGo, undefined, r.observations['way back'] as WayBack | undefined), '']
      : []),
    ...(r.error ? ['## Error', '', '```', r.error, '```', ''] : []),
    '## Provenance',
    '',
    ...(p
      ? [
          `- firedrill ${p.firedrill.version}, commit ${p.firedrill.commit ?? 'unknown'}${p.firedrill.dirty ? ' (with local changes)' : ''}, Node ${p.firedrill.node}`,
          `- host ${p.host.name} (${p.host.platform} ${p.host.release}, ${p.host.cpus} CPUs, zone ${p.host.timezone}); Docker engine ${p.engine.version ?? 'unknown'}`,
          `- image ${p.image?.ref ?? 'unknown'} ${p.image?.id ?? ''}`.trimEnd(),
          ...Object.entries(p.servers).map(
            ([n, v]) => `- ${n}: ${'version' in v ? `${v.version}${v.comment ? ` (${v.comment})` : ''}` : `unreadable (${v.error})`}`,
          ),
          `- dataset ${p.dataset.name}, ${p.dataset.bytes} bytes${p.dataset.measuredOn ? ` on ${p.dataset.measuredOn}` : ''}`,
          `- parameters ${
            Object.entries(p.params)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ') || 'none'
          }; seed ${p.seed ?? 'none'}`,
          `- command: ${p.command}`,
        ]
      : ['- not recorded']),
    '',
  ].join('\n');
}
