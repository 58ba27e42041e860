/**
 * Differences a comparison rule explained (fixtures/comparison-rules/: what replication, a restore or the restoring
 * server's options legitimately change), gathered from every check of a drill, once per rule and object, warnings
 * first: what a person should know (a promoted replica runs none of its events) without a failed drill.
 */
import type { EvidenceResult } from './evidence.js';

interface ExplainedEntry {
  database: string;
  object: string;
  rule: string;
  severity: string;
  finding: string;
  advice: string;
  cite: string;
  checks: string[];
}

const ORDER: Record<string, number> = { blocking: 0, warning: 1, info: 2 };

export function explainedOf(r: Pick<EvidenceResult, 'checks'>): ExplainedEntry[] {
  const out = new Map<string, ExplainedEntry>();
  for (const c of r.checks) {
    const list = c.details?.['explained'];
    if (!Array.isArray(list)) continue;
    for (const e of list as Array<Omit<ExplainedEntry, 'checks'>>) {
      const key = `${e.rule}\u0000${e.database}\u0000${e.object}`;
      const had = out.get(key);
      if (had) had.checks.push(c.name);
      else out.set(key, { ...e, checks: [c.name] });
    }
  }
  return [...out.values()].sort(
    (a, b) => (ORDER[a.severity] ?? 3) - (ORDER[b.severity] ?? 3) || a.rule.localeCompare(b.rule) || a.object.localeCompare(b.object),
  );
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** summary.md's section (nothing when no rule explained anything). */
export function explainedMarkdown(r: Pick<EvidenceResult, 'checks'>): string[] {
  const list = explainedOf(r);
  if (!list.length) return [];
  return [
    '## Explained differences (not failures)',
    '',
    '| severity | where | rule | finding | what to do |',
    '|---|---|---|---|---|',
    ...list.map((e) => `| ${e.severity} | ${cell(`${e.database}.${e.object}`)} | ${e.rule} | ${cell(e.finding)} | ${cell(e.advice)} |`),
    '',
  ];
}

/** The HTML report's section (nothing when no rule explained anything); `esc` is the page's escaper. */
export function explainedHtml(r: Pick<EvidenceResult, 'checks'>, esc: (s: unknown) => string): string {
  const list = explainedOf(r);
  if (!list.length) return '';
  const rows = list
    .map(
      (e) =>
        `<tr data-rule="${esc(e.rule)}" data-severity="${esc(e.severity)}"><td>${esc(e.severity)}</td><td class="mono">${esc(`${e.database}.${e.object}`)}</td><td>${esc(e.finding)}<br><span class="mute">${esc(e.advice)}</span></td><td class="mute">${esc(e.rule)}: ${esc(e.cite)}<br>${esc(e.checks.join(', '))}</td></tr>`,
    )
    .join('');
  return `<h3>Explained differences (${list.length}, not failures)</h3>
<p class="mute">What replication, a restore or the restore server's own options legitimately change (docs/comparison-rules.md).</p>
<table class="explained"><tr><th>severity</th><th>where</th><th>finding and what to do</th><th>rule, source, checks</th></tr>${rows}</table>`;
}
