/**
 * Upgrade rules are data: one JSON file per version step under fixtures/upgrade-rules/, each rule citing the
 * release notes it comes from. This module loads and checks them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../core/index.js';
import { projectRoot } from '../../runtime/paths.js';

interface RuleBase {
  id: string;
  since: string;
  advice: string;
  cite: string;
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
}
interface ReservedWordRule extends RuleBase {
  kind: 'reserved-word';
  words: string[];
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
  let raw: { from?: unknown; to?: unknown; about?: string; rules?: unknown };
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw.from !== 'string' || typeof raw.to !== 'string' || !Array.isArray(raw.rules))
    throw new UsageError(`${file}: needs "from", "to" and "rules"`);
  for (const r of raw.rules as Rule[]) {
    if (!r.id || !KINDS.has(r.kind)) throw new UsageError(`${file}: rule ${r.id ?? '?'} has no id or an unknown kind '${r.kind}'`);
    if (!r.cite) throw new UsageError(`${file}: rule ${r.id} cites no release notes`);
    if ((r.kind === 'function' || r.kind === 'syntax') && !r.pattern) throw new UsageError(`${file}: rule ${r.id} has no pattern`);
  }
  return { from: raw.from, to: raw.to, about: raw.about, file, rules: raw.rules as Rule[] };
}

/** The rules of one version step (`mariadb-10.11-to-11.8.json` for mariadb-10.11 -> mariadb-11.8). */
export function loadRuleSet(from: string, to: string, dir = RULES_DIR): RuleSet {
  const family = (f: string) => f.replace(/-[^-]*$/, '');
  // mariadb-10.11 -> mariadb-11.8: mariadb-10.11-to-11.8.json; across families the target keeps its family.
  const file = join(dir, `${from}-to-${family(from) === family(to) ? to.slice(family(to).length + 1) : to}.json`);
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
