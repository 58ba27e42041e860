/**
 * One format for every rule file firedrill reads as data: the upgrade rules (fixtures/upgrade-rules/, one file per
 * version step) and the comparison rules (fixtures/comparison-rules/: what replication, a restore or the restoring
 * server's options legitimately change). A file is `{ about?, rules: [...] }` (upgrade files add `from` and `to`);
 * every rule has an id, a kind its loader knows, advice for a person, and the documentation it comes from.
 */
import { UsageError } from '../core/index.js';

/** How much a finding matters to a person: blocking stops an upgrade; warning needs action; info is said. */
export type RuleSeverity = 'blocking' | 'warning' | 'info';

export interface RuleBase {
  id: string;
  kind: string;
  advice: string;
  cite: string;
  severity?: RuleSeverity;
}

export interface RulesFile<R extends RuleBase> {
  about?: string;
  file: string;
  rules: R[];
  /** The file's other top-level fields (an upgrade step's from and to). */
  header: Record<string, unknown>;
}

const SEVERITIES = new Set(['blocking', 'warning', 'info']);

/**
 * Parses and checks a rules file: valid JSON, a rules array, each rule with an id, a kind among `kinds`, a citation,
 * a known severity if any, and whatever `more` asks of its kind. Anything else is bad input naming the file and rule.
 */
export function parseRulesFile<R extends RuleBase>(
  text: string,
  file: string,
  kinds: ReadonlySet<string>,
  more: (r: R) => string | undefined = () => undefined,
): RulesFile<R> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!raw || !Array.isArray(raw['rules'])) throw new UsageError(`${file}: needs "rules"`);
  const rules = raw['rules'] as R[];
  for (const r of rules) {
    if (!r.id || !kinds.has(r.kind)) throw new UsageError(`${file}: rule ${r.id ?? '?'} has no id or an unknown kind '${r.kind}'`);
    if (!r.cite) throw new UsageError(`${file}: rule ${r.id} cites no release notes or documentation`);
    if (r.severity !== undefined && !SEVERITIES.has(r.severity))
      throw new UsageError(`${file}: rule ${r.id} has an unknown severity '${r.severity}'`);
    const wrong = more(r);
    if (wrong) throw new UsageError(`${file}: rule ${r.id} ${wrong}`);
  }
  const { rules: _r, about, ...header } = raw;
  return { about: typeof about === 'string' ? about : undefined, file, rules, header };
}
