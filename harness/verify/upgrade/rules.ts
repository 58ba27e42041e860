/**
 * Upgrade rules are data (the format of ../rules-format.ts): one JSON file per version step under fixtures/upgrade-rules/, each rule citing the
 * release notes it comes from. This module loads and checks them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, type Flavor } from '../../core/index.js';
import { projectRoot } from '../../runtime/paths.js';
import { parseRulesFile, type RuleBase as SharedRuleBase } from '../rules-format.js';

interface RuleBase extends SharedRuleBase {
  since: string;
}
export interface OptionRule extends RuleBase {
  kind: 'option';
  effect: 'refused' | 'ignored';
  options: string[];
}
export interface DefaultRule extends RuleBase {
  kind: 'default';
  variable: string;
  from: string;
  to: string;
  pinnedBy?: string[];
  objectPattern?: string;
  /** What code matching objectPattern depends on, for its finding (default: the default collation of utf8mb4). */
  dependsOn?: string;
}
interface ReservedWordRule extends RuleBase {
  kind: 'reserved-word';
  words: string[];
  /** Where a word is used as the keyword it is (OFFSET in `LIMIT 10 OFFSET 20`): such uses are not findings. */
  keywordUse?: string;
}
interface AccountRule extends RuleBase {
  kind: 'account';
  match: 'empty-password' | 'plugin-unavailable';
}
interface FunctionRule extends RuleBase {
  kind: 'function' | 'syntax';
  pattern: string;
}
export type Rule = OptionRule | DefaultRule | ReservedWordRule | AccountRule | FunctionRule;

export interface RuleSet {
  from: string;
  to: string;
  about?: string;
  file: string;
  rules: Rule[];
}

const RULES_DIR = join(projectRoot, 'fixtures', 'upgrade-rules');

const KINDS = new Set(['option', 'default', 'reserved-word', 'account', 'function', 'syntax']);

export function parseRuleSet(text: string, file: string): RuleSet {
  const f = parseRulesFile<Rule>(text, file, KINDS, (r) =>
    (r.kind === 'function' || r.kind === 'syntax') && !r.pattern ? 'has no pattern' : undefined,
  );
  const { from, to } = f.header;
  if (typeof from !== 'string' || typeof to !== 'string') throw new UsageError(`${file}: needs "from", "to" and "rules"`);
  return { from, to, about: f.about, file, rules: f.rules };
}

/** One end of an upgrade step: a flavor's id, family and series. */
type StepEnd = Pick<Flavor, 'family' | 'series'> & { id: string };

/** The rules of one version step (`mariadb-10.11-to-11.8.json` for mariadb-10.11 -> mariadb-11.8, `mariadb-10.5-to-10.11.json`). */
export function loadRuleSet(fromFlavor: StepEnd, toFlavor: StepEnd, dir = RULES_DIR): RuleSet {
  const [from, to] = [fromFlavor.id, toFlavor.id];
  // mariadb-10.11 -> mariadb-11.8: mariadb-10.11-to-11.8.json; across families the target keeps its family.
  const file = join(dir, `${from}-to-${fromFlavor.family === toFlavor.family ? toFlavor.series : to}.json`);
  if (!existsSync(file)) {
    const have = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => f.replace(/\.json$/, ''))
      : [];
    throw new UsageError(`no upgrade rules for ${from} -> ${to} (have: ${have.join(', ') || 'none'}; add ${file})`);
  }
  return parseRuleSet(readFileSync(file, 'utf8'), file);
}
