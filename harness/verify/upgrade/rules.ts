/**
 * Upgrade rules are data (the format of ../rules-format.ts): one JSON file per version step under fixtures/upgrade-rules/, each rule citing the
 * release notes it comes from. This module loads and checks them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, type Flavor } from '../../core/index.js';
import { projectRoot } from '../../runtime/paths.js';
import { parseRulesFile, type RuleBase as SharedRuleBase } from '../rules-format.js';

/**
 * The categories of MySQL Shell's upgrade checker (its check targets: modules/util/upgrade_checker/common.h `enum class
 * Target`), which firedrill's upgrade rules and findings are grouped by. `mdsSpecific` (MySQL HeatWave) has no
 * MariaDB counterpart; the map of every Shell check to firedrill's rules: docs/upgrade-checker-categories.md.
 */
export const UPGRADE_CATEGORIES = [
  'system-variables',
  'object-definitions',
  'engines',
  'tablespaces',
  'innodb-internals',
  'authentication-plugins',
  'plugins',
  'privileges',
] as const;
export type UpgradeCategory = (typeof UPGRADE_CATEGORIES)[number];
const CATEGORIES: ReadonlySet<string> = new Set(UPGRADE_CATEGORIES);

interface RuleBase extends SharedRuleBase {
  since: string;
  category: UpgradeCategory;
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
/** Tables whose storage engine the target no longer has (they do not open there). */
interface EngineRule extends RuleBase {
  kind: 'engine';
  engines: string[];
}
/** Columns and tables declared with a character set the target names otherwise (utf8, shown as utf8mb3 from 10.6). */
interface CharsetRule extends RuleBase {
  kind: 'charset';
  charsets: string[];
  /** The name the target shows instead. */
  shownAs: string;
}
/** A plugin the target no longer ships or that went out of a library, with what replaces it (for the advice). */
interface RemovedPlugin {
  plugin: string;
  library: string;
  since: string;
  instead: string;
}
/**
 * Plugins the old server runs from a library: the target must have each one (its ALL_PLUGINS, which lists every
 * library of its plugin directory), and the library an option file loads it from must still hold it.
 */
export interface PluginRule extends RuleBase {
  kind: 'plugin';
  removed?: RemovedPlugin[];
}
export type Rule = OptionRule | DefaultRule | ReservedWordRule | AccountRule | FunctionRule | EngineRule | CharsetRule | PluginRule;

export interface RuleSet {
  from: string;
  to: string;
  about?: string;
  file: string;
  rules: Rule[];
}

const RULES_DIR = join(projectRoot, 'fixtures', 'upgrade-rules');

const KINDS = new Set(['option', 'default', 'reserved-word', 'account', 'function', 'syntax', 'engine', 'charset', 'plugin']);

/** What a rule of an upgrade file needs beyond the shared format: a known category, and what its kind matches. */
function ruleProblem(r: Rule): string | undefined {
  if (!CATEGORIES.has(r.category))
    return `has ${r.category === undefined ? 'no category' : `an unknown category '${String(r.category)}'`} (one of: ${UPGRADE_CATEGORIES.join(', ')})`;
  if ((r.kind === 'function' || r.kind === 'syntax') && !r.pattern) return 'has no pattern';
  if (r.kind === 'engine' && !(Array.isArray(r.engines) && r.engines.length)) return 'names no engines';
  if (r.kind === 'charset' && !(Array.isArray(r.charsets) && r.charsets.length && r.shownAs)) return 'needs charsets and shownAs';
  if (r.kind === 'plugin' && !(r.removed ?? []).every((x) => x.plugin && x.library && x.since && x.instead))
    return 'lists a removed plugin without plugin, library, since and instead';
  return undefined;
}

export function parseRuleSet(text: string, file: string): RuleSet {
  const f = parseRulesFile<Rule>(text, file, KINDS, ruleProblem);
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
