/**
 * The drill report: one self-contained HTML file (no script, no network, no external file: styles and SVG charts
 * inline; links to the nodes' saved server logs) that a manager reads and an auditor files. Per drill and flavor: the verdict, RTO and RPO against their
 * objectives, the phase timeline, write throughput and latency with fault windows and phases shaded, every fault,
 * every check with what it compared and what differed, the provenance. Across runs: the RTO/RPO trend of each
 * drill x flavor from the history. Prints to PDF (one section per page where it fits).
 */
import { throughputLatencySvg, trendSvg, type TrendPoint } from './charts.js';
import { judgementsOf, objectiveLabel, objectiveReportOf, type EvidenceResult } from './evidence.js';
import type { HistoryEntry } from './history.js';
import { explainedHtml } from './explained.js';
import { zonedTimestamp } from './log.js';
import type { LedgerEntry } from '../workload/index.js';
import { findingGroups, groupCounts, type GoNoGo } from '../verify/upgrade/index.js';
import { wayBackHtml } from './way-back.js';
import { outcomeOf } from '../verify/index.js';
import { faultBand } from '../faults/index.js';
import { checkCounts } from './summary.js';

export interface ReportRun {
  result: EvidenceResult & { redaction?: Record<string, unknown> };
  ledger?: readonly LedgerEntry[];
  source: string;
  /** The nodes' saved server logs (error log, slow log), linked relative to the page. */
  nodeLogs?: readonly NodeLog[];
}

/** One saved server log of a node: its file name and the link to it from the page. */
export interface NodeLog {
  node: string;
  file: string;
  href: string;
  bytes: number;
}

/** Links to every node's saved server logs (what a failed night's investigation starts from). */
function nodeLogsSection(logs: readonly NodeLog[] | undefined): string {
  if (!logs?.length) return '<p class="mute">No server log was saved for this run.</p>';
  const byNode = new Map<string, NodeLog[]>();
  for (const l of logs) byNode.set(l.node, [...(byNode.get(l.node) ?? []), l]);
  const rows = [...byNode].map(
    ([node, ls]) =>
      `<tr data-node="${esc(node)}"><td>${esc(node)}</td><td>${ls.map((l) => `<a href="${esc(encodeURI(l.href))}">${esc(l.file)}</a> <span class="mute">(${l.bytes} bytes)</span>`).join(', ')}</td></tr>`,
  );
  return `<table class="node-logs"><tr><th>node</th><th>server logs</th></tr>${rows.join('')}</table>`;
}

export interface ReportInput {
  runs: readonly ReportRun[];
  history: readonly HistoryEntry[];
  generatedAt?: number;
  /** Problems met while reading inputs (skipped history lines, unreadable folders): shown, never hidden. */
  notes?: readonly string[];
  redacted?: boolean;
  /** The firedrill that made the page ("firedrill 0.1.0 (abc123)"). */
  generator?: string;
}

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'not measured' : `${(ms / 1000).toFixed(2)} s`);
const anchor = (s: string) => s.replace(/[^\w-]/g, '_');
const time = (ms: number) => zonedTimestamp(ms);
const bytes = (n: number) =>
  n >= 1 << 30
    ? `${(n / (1 << 30)).toFixed(2)} GiB`
    : n >= 1 << 20
      ? `${(n / (1 << 20)).toFixed(1)} MiB`
      : n >= 1024
        ? `${(n / 1024).toFixed(1)} KiB`
        : `${n} B`;

const CSS = `
:root { --ok:#15803d; --bad:#b91c1c; --mute:#6b7280; --line:#e5e7eb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #111827; margin: 24px auto; max-width: 1080px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; } .mute { color: var(--mute); } code, .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; } th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; font-size: 12.5px; }
th { background: #f9fafb; font-weight: 600; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 700; font-size: 12px; color: #fff; }
.pass, .met { background: var(--ok); } .fail, .missed, .error, .interrupted { background: var(--bad); } .unset { background: #9ca3af; }
td.ok { color: var(--ok); font-weight: 600; } td.mono, .mono { overflow-wrap: anywhere; } td.bad { color: var(--bad); font-weight: 700; }
.timeline { position: relative; height: 54px; border: 1px solid var(--line); background: #fafafa; margin: 6px 0 2px; }
.timeline .ph { position: absolute; top: 0; height: 30px; border-right: 1px solid #fff; font-size: 10px; overflow: hidden; white-space: nowrap; padding: 2px 3px; color: #1f2937; background: #dbe4f0; }
.timeline .ph.rec { background: #bbf7d0; } .timeline .ph.failed { background: #fecaca; }
.timeline .ft { position: absolute; top: 32px; height: 18px; background: rgba(220,38,38,.55); font-size: 10px; color: #fff; overflow: hidden; white-space: nowrap; padding: 1px 3px; min-width: 3px; }
.chart svg { max-width: 100%; height: auto; } .trend { display: inline-block; width: 49%; vertical-align: top; }
.drill { break-before: page; } .drill:first-of-type { break-before: auto; }
.summary-line { font-size: 15px; margin: 8px 0 14px; } .diff td { font-family: "DejaVu Sans Mono", monospace; font-size: 11.5px; }
@page { size: A4; margin: 14mm; }
@media print { body { margin: 0; max-width: none; } .trend { width: 49%; } section, table, .chart { break-inside: avoid; } }
`;

/** The check's scalar details: what it compared (tables, rows, bytes, chunks, GTIDs, writes). */
function compared(details: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(details)) {
    if (k === 'differences' || k === 'differenceCount') continue;
    if (v === null || v === undefined) continue;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string')
      parts.push(`<b>${esc(k)}</b> ${esc(typeof v === 'string' && v.length > 160 ? v.slice(0, 160) + '…' : v)}`);
    else if (Array.isArray(v) && v.length <= 12 && v.every((x) => typeof x !== 'object'))
      parts.push(`<b>${esc(k)}</b> ${esc(v.join(', ') || '(none)')}`);
    else if (Array.isArray(v)) parts.push(`<b>${esc(k)}</b> ${v.length} item(s)`);
    else parts.push(`<b>${esc(k)}</b> <span class="mono">${esc(JSON.stringify(v).slice(0, 200))}</span>`);
  }
  return parts.join('; ');
}

function differences(details: Record<string, unknown>): string {
  const d = details['differences'];
  if (!Array.isArray(d) || d.length === 0) return '';
  const rows = (d as Array<Record<string, unknown>>)
    .slice(0, 25)
    .map(
      (x) =>
        `<tr><td>${esc(x['database'])}.${esc(x['object'])}</td><td>${esc(x['kind'])}</td><td>${esc(x['where'] ?? '')}</td><td>${esc(x['expected'] === undefined ? '' : JSON.stringify(x['expected']))}</td><td>${esc(x['actual'] === undefined ? '' : JSON.stringify(x['actual']))}</td></tr>`,
    );
  const total = Number(details['differenceCount'] ?? d.length);
  return `<table class="diff"><tr><th>object</th><th>difference</th><th>where (row key / range)</th><th>expected</th><th>actual</th></tr>${rows.join('')}</table>${total > 25 ? `<p class="mute">${total - 25} more difference(s) in result.json</p>` : ''}`;
}

function timeline(r: EvidenceResult): string {
  const start = Date.parse(r.startedAt);
  const end = r.endedAt ? Date.parse(r.endedAt) : start + r.durationMs;
  const span = Math.max(1, end - start);
  const pct = (ms: number) => Math.max(0, Math.min(100, ((ms - start) / span) * 100)).toFixed(2);
  const w = (a: number, b: number) => Math.max(0.3, ((b - a) / span) * 100).toFixed(2);
  const phases = r.phases.map(
    (p) =>
      `<div class="ph${p.recovery ? ' rec' : ''}${p.steps.some((s) => s.error) ? ' failed' : ''}" style="left:${pct(p.startMs)}%;width:${w(p.startMs, p.endMs)}%" title="${esc(p.name)} ${secs(p.durationMs)}">${esc(p.name)} ${(p.durationMs / 1000).toFixed(1)}s</div>`,
  );
  const faults = r.faults.map(
    (f) =>
      `<div class="ft" style="left:${pct(f.injectedAt)}%;width:${w(f.injectedAt, f.healedAt ?? end)}%" title="${esc(f.description)}">${esc(f.description)}</div>`,
  );
  const rows = r.phases.map(
    (p) =>
      `<tr><td>${esc(p.name)}${p.recovery ? ' <span class="mute">(recovery, in RTO)</span>' : ''}</td><td>${time(p.startMs)}</td><td>${secs(p.durationMs)}</td><td>${p.steps.map((s) => `${esc(s.name)} <span class="mute">${((s.endMs - s.startMs) / 1000).toFixed(2)} s</span>${s.error ? ` <b class="mute" style="color:#b91c1c">FAILED: ${esc(s.error.split('\n')[0])}</b>` : ''}`).join('<br>')}</td></tr>`,
  );
  return `<div class="timeline" role="img" aria-label="phase timeline">${phases.join('')}${faults.join('')}</div>
<p class="mute">Phases (green: recovery phases, summed into the RTO) and fault windows (red) from ${time(start)} to ${time(end)}.</p>
<table><tr><th>phase</th><th>started</th><th>took</th><th>steps</th></tr>${rows.join('')}</table>`;
}

function objectivesTable(r: EvidenceResult): string {
  const o = objectiveReportOf(r);
  const rows = o.judgements.map((j) => {
    const f = (v: number | null) => (v === null ? '—' : j.unit === 's' ? `${+v.toFixed(3)} s` : `${v}`);
    const state = j.target === null ? 'unset' : j.met ? 'met' : 'missed';
    return `<tr data-objective="${j.name}" data-state="${state}"><td>${esc(objectiveLabel(j))}</td><td>${f(j.target)}</td><td>${j.measured === null ? 'not measured' : f(j.measured)}</td><td><span class="badge ${state}">${state === 'unset' ? 'no objective' : state.toUpperCase()}</span></td><td class="mute">${esc(j.source)}</td></tr>`;
  });
  return `<table class="objectives"><tr><th>objective</th><th>target</th><th>measured</th><th>result</th><th>set by</th></tr>${rows.join('')}</table>
<p class="mute">RTO: ${esc(r.rto.method)}${
    Object.keys(r.rto.phases).length
      ? ` (${Object.entries(r.rto.phases)
          .map(([k, v]) => `${esc(k)} ${secs(v)}`)
          .join(' + ')})`
      : ''
  }. RPO: ${esc(r.rpo.method)}; ${r.rpo.indeterminate} write(s) with an outcome the client could not know, counted apart.</p>`;
}

function provenanceTable(r: EvidenceResult): string {
  const p = r.provenance;
  if (!p) return '<p class="mute">This result was written before firedrill recorded provenance.</p>';
  const rows: Array<[string, string]> = [
    [
      'firedrill',
      `${p.firedrill.version}, commit ${p.firedrill.commit ?? 'unknown'}${p.firedrill.dirty ? ' (with local changes)' : ''}, Node ${p.firedrill.node}`,
    ],
    [
      'host',
      `${p.host.name} (${p.host.platform} ${p.host.release} ${p.host.arch}, ${p.host.cpus} CPUs, ${bytes(p.host.memoryBytes)}, zone ${p.host.timezone})${
        p.host.ci
          ? `; CI ${Object.entries(p.host.ci)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`
          : ''
      }`,
    ],
    ['Docker engine', p.engine.version ?? 'unknown'],
    ['image', p.image ? `${p.image.ref} ${p.image.id ?? '(id unknown)'}${p.image.created ? `, built ${p.image.created}` : ''}` : 'unknown'],
    [
      'servers (VERSION())',
      Object.entries(p.servers)
        .map(
          ([n, v]) =>
            `${n}: ${'version' in v ? `${v.version}${v.comment ? ` (${v.comment})` : ''}` : `unreadable (${v.error})`}${v.imageId ? `, image ${v.image ?? ''} ${v.imageId.slice(0, 19)}` : ''}`,
        )
        .join('<br>') || '—',
    ],
    [
      'dataset',
      `${p.dataset.name}: ${bytes(p.dataset.bytes)}${p.dataset.measuredOn ? ` on ${p.dataset.measuredOn}` : ''}${p.dataset.databases.length ? ` (${p.dataset.databases.map((d) => `${d.db}: ${d.tables} tables, ~${d.estRows} rows, ${bytes(d.bytes)}`).join('; ')})` : ''}`,
    ],
    [
      'parameters',
      Object.entries(p.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || 'none',
    ],
    ['seed', p.seed === null ? 'none (this drill draws nothing at random)' : String(p.seed)],
    ['command', p.command],
  ];
  return `<table class="provenance">${rows.map(([k, v]) => `<tr><th style="width:180px">${esc(k)}</th><td>${k === 'servers (VERSION())' ? v.split('<br>').map(esc).join('<br>') : esc(v)}</td></tr>`).join('')}</table>`;
}

function drillSection(run: ReportRun): string {
  const r = run.result;
  const id = anchor(`${r.runId}-${r.scenario}-${r.flavor}`);
  const js = judgementsOf(r);
  const checks = r.checks.map((c) => {
    const o = outcomeOf(c);
    const [cls, word] =
      o === 'passed'
        ? ['ok', 'pass']
        : o === 'failed'
          ? ['bad', 'FAIL']
          : o === 'skipped'
            ? ['bad', 'SKIPPED']
            : ['mute', 'not applicable'];
    const why = c.reason ? `<b>${o === 'skipped' ? 'did not run' : 'not applicable'}: ${esc(c.reason)}</b><br>` : '';
    return `<tr data-check="${esc(c.name)}" data-outcome="${o}"><td>${esc(c.name)}</td><td class="${cls}">${word}</td><td>${why}${compared(c.details)}${o === 'failed' ? differences(c.details) : ''}</td></tr>`;
  });
  const start = Date.parse(r.startedAt);
  const end = r.endedAt ? Date.parse(r.endedAt) : start + r.durationMs;
  const lostIds = (r.checks.find((c) => c.name === `${r.rpo.node}-ledger`)?.details['lostIds'] as number[] | undefined) ?? [];
  const chart = run.ledger?.length
    ? `<div class="chart" data-chart="throughput-latency">${throughputLatencySvg({
        startMs: start,
        endMs: end,
        ledger: run.ledger,
        lostIds,
        phases: r.phases.map((p) => ({ name: p.name, startMs: p.startMs, endMs: p.endMs, recovery: p.recovery })),
        faults: r.faults.map((f) => ({
          name: f.description,
          startMs: f.injectedAt,
          endMs: f.healedAt ?? end,
          fill: faultBand(f.fault.kind)?.fill,
        })),
        unavailable: unavailabilityWindows(r.observations),
      })}</div>
<p class="mute">From the ledger: ${run.ledger.length} writes (${run.ledger.filter((e) => e.outcome === 'acked').length} acknowledged, ${run.ledger.filter((e) => e.outcome === 'failed').length} failed, ${run.ledger.filter((e) => e.outcome === 'indeterminate').length} indeterminate). Shaded: phases (green: recovery), fault windows (red) and the write-unavailability windows measured (yellow).</p>`
    : '<p class="mute">No ledger was found for this run (ledger.json): no throughput or latency to plot.</p>';
  const faults = r.faults.length
    ? `<table><tr><th>fault</th><th>injected</th><th>healed</th><th>window</th><th>observed</th></tr>${r.faults.map((f) => `<tr><td>${esc(f.description)}<br><span class="mute mono">${esc(JSON.stringify(f.fault))}</span></td><td>${time(f.injectedAt)}</td><td>${f.healedAt ? time(f.healedAt) : '<b>never</b>'}</td><td>${f.healedAt ? secs(f.healedAt - f.injectedAt) : '—'}</td><td class="mono">${esc(JSON.stringify(f.effect?.observed ?? f.heal ?? {}).slice(0, 300))}${f.error ? `<br><b>${esc(f.error)}</b>` : ''}</td></tr>`).join('')}</table>`
    : '<p class="mute">No fault was injected in this drill.</p>';
  const failing = js.filter((j) => !j.ok && j.name !== 'verdict');
  return `<section class="drill" id="${id}" data-scenario="${esc(r.scenario)}" data-flavor="${esc(r.flavor)}" data-verdict="${esc(r.verdict)}">
<h2>${esc(r.scenario)} on ${esc(r.flavor)} <span class="badge ${esc(r.verdict)}">${esc(r.verdict.toUpperCase())}</span></h2>
<p>${esc(r.description)}</p>
${r.cause ? `<p data-cause="${esc(r.cause.kind)}"><b>Cause: ${esc(r.cause.kind)}</b>: ${esc(r.cause.message)}</p>` : ''}
<p class="mute">Run ${esc(r.runId)}, ${time(start)} to ${time(end)} (${secs(r.durationMs)}). Source: ${esc(run.source)}.${r.redaction ? " Redacted: names, keys and values of the user's data are digests." : ''}</p>
${failing.length ? `<h3>Why it failed</h3><ul>${failing.map((j) => `<li><b>${esc(j.name)}</b>: ${esc(j.message)}</li>`).join('')}</ul>` : ''}
${goNoGoSection(r)}
${explainedHtml(r, esc)}
<h3>Objectives</h3>${objectivesTable(r)}
<h3>Timeline</h3>${timeline(r)}
<h3>Write throughput and latency</h3>${chart}
<h3>Faults</h3>${faults}
<h3>Checks (${checkCounts(r.checks)})</h3>
${r.checks.length ? `<table class="checks"><tr><th>check</th><th>verdict</th><th>what it compared</th></tr>${checks.join('')}</table>` : '<p><b>No check ran: a drill that proves nothing fails.</b></p>'}
${r.error ? `<h3>Error</h3><pre class="mono">${esc(r.error)}</pre>` : ''}
<h3>Server logs</h3>${nodeLogsSection(run.nodeLogs)}
<h3>Provenance</h3>${provenanceTable(r)}
<h3>Observations</h3><pre class="mono" style="white-space:pre-wrap">${esc(JSON.stringify(r.observations, null, 1).slice(0, 6000))}</pre>
</section>`;
}

/** pre-upgrade: the go/no-go verdict and every finding with its severity, blocking first (a DBA signs off on this). */
/**
 * The write-unavailability windows a drill measured (a failover, a planned switchover, an upgrade's switchover and
 * rollback): every observation that has writeUnavailableMs, fromIso and toIso, named by its observation.
 */
function unavailabilityWindows(observations: Record<string, unknown>) {
  return Object.entries(observations).flatMap(([name, o]) => {
    const w = o as { writeUnavailableMs?: unknown; fromIso?: unknown; toIso?: unknown } | null;
    if (typeof w?.writeUnavailableMs !== 'number' || typeof w.fromIso !== 'string' || typeof w.toIso !== 'string') return [];
    return [{ name, startMs: Date.parse(w.fromIso), endMs: Date.parse(w.toIso) }];
  });
}

function goNoGoSection(r: EvidenceResult): string {
  const g = r.observations['go/no-go'] as GoNoGo | undefined;
  if (!g || !Array.isArray(g.findings)) return '';
  const badge = g.verdict === 'go' ? 'pass' : 'fail';
  const row = (f: GoNoGo['findings'][number]) =>
    `<tr data-severity="${esc(f.severity)}"><td class="${f.severity === 'blocking' ? 'bad' : f.severity === 'warning' ? '' : 'mute'}">${esc(f.severity)}</td><td>${esc(f.source)}</td><td>${esc(f.kind)}</td><td class="mono">${esc(f.where)}</td><td>${esc(f.message)}</td><td class="mute">${esc(f.cite ?? '')}</td></tr>`;
  // one table per category (MySQL Shell's upgrade-checker categories; replay and rolling-upgrade findings by part)
  const groups = findingGroups(g)
    .map(
      (group) =>
        `<h4 data-category="${esc(group.name)}">${esc(group.name)}: ${groupCounts(group)}</h4>
<table class="findings"><tr><th>severity</th><th>part</th><th>kind</th><th>where</th><th>finding</th><th>source</th></tr>${group.findings.map(row).join('')}</table>`,
    )
    .join('\n');
  return `<h3 data-go-no-go="${esc(g.verdict)}">Go / no-go <span class="badge ${badge}">${esc(g.verdict.toUpperCase())}</span></h3>
<p>${g.blocking} blocking, ${g.warnings} warning(s), ${g.info} note(s). A blocking finding is a reason not to upgrade as things stand; a warning names what to check.</p>
${groups}
${wayBackHtml(r.observations, esc)}`;
}

function trendSection(history: readonly HistoryEntry[]): string {
  if (!history.length)
    return '<p class="mute">No history yet: every run appends to reports/history.jsonl; keep that file between nightly runs to see trends.</p>';
  const groups = new Map<string, HistoryEntry[]>();
  for (const e of history) {
    const k = `${e.scenario} on ${e.flavor}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const out: string[] = [];
  for (const [k, es] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const last = es.at(-1)!;
    const pts: TrendPoint[] = es.map((e) => ({
      at: Date.parse(e.startedAt),
      runId: e.runId,
      rtoSeconds: e.rtoMs === null ? null : e.rtoMs / 1000,
      rpoWrites: e.rpoWrites,
      verdict: e.verdict,
    }));
    const passed = es.filter((e) => e.verdict === 'pass').length;
    const rtos = es.map((e) => e.rtoMs).filter((x): x is number => x !== null);
    out.push(`<div class="trend" data-trend="${esc(k)}"><div class="chart">${trendSvg(k, pts, last.objectives.rtoSeconds)}</div>
<p class="mute">${es.length} run(s), ${passed} passed; RTO ${rtos.length ? `min ${secs(Math.min(...rtos))}, max ${secs(Math.max(...rtos))}` : 'never measured'}; objectives ${es.filter((e) => e.objectives.met).length}/${es.length} met; last ${esc(last.startedAt)}.</p></div>`);
  }
  return out.join('\n');
}

export function renderReport(inp: ReportInput): string {
  const at = inp.generatedAt ?? Date.now();
  const runs = [...inp.runs].sort(
    (a, b) =>
      a.result.scenario.localeCompare(b.result.scenario) ||
      a.result.flavor.localeCompare(b.result.flavor) ||
      a.result.startedAt.localeCompare(b.result.startedAt),
  );
  const failed = runs.filter((r) => r.result.verdict !== 'pass').length;
  const missed = runs.filter((r) => !objectiveReportOf(r.result).met).length;
  const summaryRows = runs.map(({ result: r }) => {
    const o = objectiveReportOf(r);
    const cell = (n: 'rto' | 'rpo-writes' | 'rpo-seconds') => {
      const j = o.judgements.find((x) => x.name === n)!;
      const f = (v: number | null) => (v === null ? '—' : j.unit === 's' ? `${+v.toFixed(2)} s` : `${v}`);
      return `<td class="${j.met === false ? 'bad' : j.met ? 'ok' : ''}">${j.measured === null ? 'not measured' : f(j.measured)}${j.target === null ? '' : ` / ${f(j.target)} ${j.met ? 'met' : 'MISSED'}`}</td>`;
    };
    return `<tr data-run="${esc(r.runId)}"><td><a href="#${anchor(`${r.runId}-${r.scenario}-${r.flavor}`)}">${esc(r.scenario)}</a></td><td>${esc(r.flavor)}</td><td><span class="badge ${esc(r.verdict)}">${esc(r.verdict.toUpperCase())}</span></td>${cell('rto')}${cell('rpo-writes')}${cell('rpo-seconds')}<td>${r.checks.filter((c) => outcomeOf(c) === 'passed').length}/${r.checks.filter((c) => !c.status).length}${r.checks.some((c) => c.status === 'skipped') ? ` (${r.checks.filter((c) => c.status === 'skipped').length} skipped)` : ''}</td><td>${time(Date.parse(r.startedAt))}</td><td>${secs(r.durationMs)}</td></tr>`;
  });
  const versions = [
    ...new Set(
      runs.map((r) =>
        r.result.provenance
          ? `${r.result.provenance.firedrill.version} (${r.result.provenance.firedrill.commit?.slice(0, 12) ?? '?'})`
          : 'unknown',
      ),
    ),
  ];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>firedrill report: ${runs.length} drill(s), ${failed ? `${failed} failed` : 'all passed'}</title><style>${CSS}</style></head>
<body data-drills="${runs.length}" data-failed="${failed}">
<h1>firedrill restore-drill report</h1>
<p class="mute">Generated ${time(at)}${inp.generator ? ` by ${esc(inp.generator)}` : ''}; the drills ran with firedrill ${esc(versions.join(', '))}. ${inp.redacted ? "<b>Redacted</b>: database and table names, row keys and values of the user's data are replaced by digests." : ''}</p>
<p class="summary-line" id="overall"><span class="badge ${failed ? 'fail' : 'pass'}">${failed ? 'FAILED' : 'PASSED'}</span> ${runs.length} drill(s): ${runs.length - failed} passed, ${failed} failed; objectives ${runs.length - missed} met, ${missed} missed.</p>
<h2>Drills</h2>
<table class="summary"><tr><th>drill</th><th>flavor</th><th>verdict</th><th>RTO / objective</th><th>RPO writes lost / objective</th><th>RPO seconds / objective</th><th>checks passed</th><th>started</th><th>took</th></tr>${summaryRows.join('')}</table>
<p class="mute">RTO: the sum of the recovery phases' measured durations. RPO: acknowledged writes (and their time span) missing on the recovered node, from the client's ledger. Nothing is estimated.</p>
<h2>Trend across runs</h2>
<section id="trends">${trendSection(inp.history)}</section>
${inp.notes?.length ? `<h2>Notes on the inputs</h2><ul>${inp.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${runs.map(drillSection).join('\n')}
<p class="mute" style="margin-top:30px">This file is self-contained: no script, no network access; charts are static SVG rendered when the report was made.</p>
</body></html>
`;
}
