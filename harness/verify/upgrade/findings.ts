/**
 * Findings of a pre-upgrade run, from every part (incompatibility report, query replay, rolling upgrade), and the
 * one go/no-go verdict: no-go as soon as one finding blocks.
 */
import type { Finding, Severity } from './finding.js';
import { wayBackMarkdown, type WayBack } from './way-back.js';

export type { Finding } from './finding.js';

export interface GoNoGo {
  verdict: 'go' | 'no-go';
  blocking: number;
  warnings: number;
  info: number;
  findings: Finding[];
}

const ORDER: Record<Severity, number> = { blocking: 0, warning: 1, info: 2 };
const PART: Record<Finding['source'], string> = {
  incompatibility: 'incompatibility',
  replay: 'query replay',
  'rolling-upgrade': 'rolling upgrade',
  'way-back': 'way back',
};

/** The documentation a finding links to: the first address its citation names. */
const linkOf = (cite: string | undefined) => cite?.match(/https?:\/\/[^\s;,)]+/)?.[0];

export function goNoGo(findings: readonly Finding[]): GoNoGo {
  const sorted = [...findings]
    .sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.source.localeCompare(b.source) || a.where.localeCompare(b.where))
    .map((f) => (f.link || !linkOf(f.cite) ? f : { ...f, link: linkOf(f.cite) }));
  const n = (s: Severity) => sorted.filter((f) => f.severity === s).length;
  return {
    verdict: n('blocking') > 0 ? 'no-go' : 'go',
    blocking: n('blocking'),
    warnings: n('warning'),
    info: n('info'),
    findings: sorted,
  };
}

/** A group of the go/no-go page: a checker category, or the part that found it (query replay, rolling upgrade). */
interface FindingGroup {
  name: string;
  blocking: number;
  warnings: number;
  info: number;
  findings: Finding[];
}

/**
 * The findings grouped by category (MySQL Shell's checker categories; findings without one by their part), the group
 * with the worst finding first, each group's findings in the go/no-go order (blocking first).
 */
export function findingGroups(g: Pick<GoNoGo, 'findings'>): FindingGroup[] {
  const groups = new Map<string, Finding[]>();
  for (const f of g.findings) {
    const name = f.category ?? PART[f.source] ?? f.source;
    groups.set(name, [...(groups.get(name) ?? []), f]);
  }
  const worst = (fs: Finding[]) => Math.min(...fs.map((f) => ORDER[f.severity]));
  return [...groups.entries()]
    .sort(([a, fa], [b, fb]) => worst(fa) - worst(fb) || a.localeCompare(b))
    .map(([name, fs]) => ({
      name,
      blocking: fs.filter((f) => f.severity === 'blocking').length,
      warnings: fs.filter((f) => f.severity === 'warning').length,
      info: fs.filter((f) => f.severity === 'info').length,
      findings: fs,
    }));
}

export const groupCounts = (x: { blocking: number; warnings: number; info: number }) =>
  `${x.blocking} blocking, ${x.warnings} warning(s), ${x.info} note(s)`;

/**
 * The go/no-go page as Markdown (summary.md section, and what `firedrill pre-upgrade` prints): one table per category,
 * then the step's way back when the drill measured it.
 */
export function goNoGoMarkdown(g: GoNoGo, title = 'Pre-upgrade go/no-go', wayBack?: WayBack): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`## ${title}: **${g.verdict.toUpperCase()}**`, '', `${groupCounts(g)}.`, ''];
  for (const group of findingGroups(g)) {
    lines.push(`### ${group.name}: ${groupCounts(group)}`, '');
    lines.push('| severity | part | kind | where | finding | source |', '|---|---|---|---|---|---|');
    for (const f of group.findings)
      lines.push(`| ${f.severity} | ${f.source} | ${esc(f.kind)} | ${esc(f.where)} | ${esc(f.message)} | ${esc(f.cite ?? '')} |`);
    lines.push('');
  }
  if (wayBack) lines.push(wayBackMarkdown(wayBack));
  return lines.join('\n').replace(/\n+$/, '') + '\n';
}
