/**
 * Findings of a pre-upgrade run, from every part (incompatibility report, query replay, rolling upgrade), and the
 * one go/no-go verdict: no-go as soon as one finding blocks.
 */
type Severity = 'blocking' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** Which part found it. */
  source: 'incompatibility' | 'replay' | 'rolling-upgrade';
  /** The rule (incompatibility), or the kind of difference (replay: result, error, warnings, time, plan). */
  kind: string;
  /** What it is about: `file:line` of a config option, `db.object` (+ line), an account, a query. */
  where: string;
  message: string;
  /** Release notes the rule comes from, or the server's own answer that proves it. */
  cite?: string;
  evidence?: Record<string, unknown>;
}

export interface GoNoGo {
  verdict: 'go' | 'no-go';
  blocking: number;
  warnings: number;
  info: number;
  findings: Finding[];
}

const ORDER: Record<Severity, number> = { blocking: 0, warning: 1, info: 2 };

export function goNoGo(findings: readonly Finding[]): GoNoGo {
  const sorted = [...findings].sort(
    (a, b) => ORDER[a.severity] - ORDER[b.severity] || a.source.localeCompare(b.source) || a.where.localeCompare(b.where),
  );
  const n = (s: Severity) => sorted.filter((f) => f.severity === s).length;
  return {
    verdict: n('blocking') > 0 ? 'no-go' : 'go',
    blocking: n('blocking'),
    warnings: n('warning'),
    info: n('info'),
    findings: sorted,
  };
}

/** The go/no-go page as Markdown (summary.md section). */
export function goNoGoMarkdown(g: GoNoGo, title = 'Pre-upgrade go/no-go'): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `## ${title}: **${g.verdict.toUpperCase()}**`,
    '',
    `${g.blocking} blocking, ${g.warnings} warning(s), ${g.info} note(s).`,
    '',
  ];
  if (g.findings.length) {
    lines.push('| severity | part | kind | where | finding | source |', '|---|---|---|---|---|---|');
    for (const f of g.findings)
      lines.push(`| ${f.severity} | ${f.source} | ${esc(f.kind)} | ${esc(f.where)} | ${esc(f.message)} | ${esc(f.cite ?? '')} |`);
  }
  return lines.join('\n') + '\n';
}
