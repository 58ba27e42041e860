/**
 * What replication, a restore or the restoring server's own options legitimately change, as data
 * (fixtures/comparison-rules/, the format of rules-format.ts): a comparison explains such a change with the rule's
 * finding, severity, advice and source, instead of reporting a difference.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../runtime/paths.js';
import { parseRulesFile, type RuleBase, type RuleSeverity } from './rules-format.js';

type OneOrMany = string | string[];
export interface EquivalentDefinitionRule extends RuleBase {
  kind: 'equivalent-definition';
  /** The object kind (EVENT, VIEW, …) as in a snapshot's object keys. */
  object: string;
  /**
   * Group 1 anchors the clause (kept), group 2 is the clause that may differ (every occurrence is judged). The values
   * of `equivalent` are whole-clause regular expressions: a plain word matches itself.
   */
  pattern: string;
  equivalent: Array<{
    expected: OneOrMany;
    actual: OneOrMany;
    severity: RuleSeverity;
    finding: string;
    /** Only between peers of one cluster (Galera: every node a primary, a state transfer copies the donor's view). */
    between?: 'cluster-peers';
  }>;
}

/** What the two servers compared are to each other: a source and its copy (default), or peers of one cluster. */
export interface ComparisonContext {
  peers?: boolean;
}
interface EnvironmentAccountRule extends RuleBase {
  kind: 'environment-account';
  variable: string;
  value: string;
  hosts: 'name';
  finding: string;
}
/** A server option whose other value on the restore server is the environment's effect (state-options.ts). */
interface EnvironmentOptionRule extends RuleBase {
  kind: 'environment-option';
  /** The option as a state records it (a variable name, or time_zone_tables). */
  variable: string;
  finding: string;
}
interface PreexistingAccountRule extends RuleBase {
  kind: 'preexisting-account';
  /** 'user'@'host' (or 'role'), as a whole-server dump names them. */
  accounts: string[];
  finding: string;
}
/** A grant the server that applied CREATE PROCEDURE/FUNCTION gave the routine's definer (automatic_sp_privileges). */
interface AutomaticRoutineGrantRule extends RuleBase {
  kind: 'automatic-routine-grant';
  privileges: string[];
  finding: string;
}
/** A routine grant whose names the server stores as their UTF-8 bytes read in another encoding. */
interface MangledRoutineGrantRule extends RuleBase {
  kind: 'mangled-routine-grant';
  /** The encoding the stored bytes were read in (a TextDecoder label). */
  encoding: string;
  finding: string;
}
/** A routine whose name the copy holds as its UTF-8 bytes read in another encoding once more (MySQL Bug #59124). */
interface MangledRoutineNameRule extends RuleBase {
  kind: 'mangled-routine-name';
  /** The object kinds (FUNCTION, PROCEDURE) as in a snapshot's object keys. */
  objects: string[];
  encoding: string;
  finding: string;
}
/** A grant a Galera member has and a peer does not, because the peer's applier refuses it. */
interface PeerUnappliedGrantRule extends RuleBase {
  kind: 'peer-unapplied-grant';
  /** The grant lines (SHOW GRANTS) it is about. */
  pattern: string;
  finding: string;
}
/** A transaction a server writes to its own binary log by itself (errant on a replica), recognised by its statement. */
interface GeneratedErrantStatementRule extends RuleBase {
  kind: 'generated-errant-statement';
  /** The statement alone (no `use`, no comments); groups 1 and 2 are the quoted database and table it names. */
  statement: string;
  /** The engine the named table must have on that server for the rule to apply. */
  engine: string;
  finding: string;
}
/** Names two versions of one server give the same character set (10.5's utf8 is 10.6's utf8mb3). */
interface CharsetAliasRule extends RuleBase {
  kind: 'charset-alias';
  /** The names, the first the one a comparison reports. */
  names: string[];
  finding: string;
}
type ComparisonRule =
  | CharsetAliasRule
  | GeneratedErrantStatementRule
  | MangledRoutineNameRule
  | PeerUnappliedGrantRule
  | EquivalentDefinitionRule
  | EnvironmentAccountRule
  | EnvironmentOptionRule
  | PreexistingAccountRule
  | AutomaticRoutineGrantRule
  | MangledRoutineGrantRule;

/** A change a rule explains: where it is, what each side says, and what a person should know about it. */
export interface Explained {
  database: string;
  object: string;
  /** The difference it would have been without the rule. */
  kind: string;
  rule: string;
  severity: RuleSeverity;
  finding: string;
  advice: string;
  cite: string;
  expected?: unknown;
  actual?: unknown;
}

/** What an explained change says about itself, from the rule that explains it. */
export const ruleFinding = (r: RuleBase & { finding: string }) => ({
  rule: r.id,
  severity: r.severity ?? ('warning' as const),
  finding: r.finding,
  advice: r.advice,
  cite: r.cite,
});

const KINDS = new Set([
  'charset-alias',
  'equivalent-definition',
  'environment-account',
  'environment-option',
  'preexisting-account',
  'automatic-routine-grant',
  'mangled-routine-grant',
  'mangled-routine-name',
  'peer-unapplied-grant',
  'generated-errant-statement',
]);
const COMPARISON_RULES_DIR = join(projectRoot, 'fixtures', 'comparison-rules');

function checkRule(r: ComparisonRule): string | undefined {
  if (r.kind === 'equivalent-definition') {
    if (!r.object || !r.pattern || !Array.isArray(r.equivalent) || r.equivalent.length === 0) return 'needs object, pattern and equivalent';
    try {
      new RegExp(r.pattern);
    } catch (e) {
      return `has a pattern that is not a regular expression (${(e as Error).message})`;
    }
  }
  if (r.kind !== 'equivalent-definition' && !r.finding) return 'says no finding';
  if (r.kind === 'generated-errant-statement') {
    if (!r.engine || !r.statement) return 'needs statement and engine';
    try {
      new RegExp(r.statement);
    } catch (e) {
      return `has a statement that is not a regular expression (${(e as Error).message})`;
    }
  }
  if (r.kind === 'environment-option' && !r.variable) return 'names no variable';
  if (r.kind === 'charset-alias' && !(Array.isArray(r.names) && r.names.length > 1)) return 'names fewer than two character sets';
  if (r.kind === 'automatic-routine-grant' && (!Array.isArray(r.privileges) || r.privileges.length === 0)) return 'names no privileges';
  if (r.kind === 'peer-unapplied-grant' || r.kind === 'mangled-routine-name') {
    const bad = r.kind === 'peer-unapplied-grant' ? !r.pattern : !Array.isArray(r.objects) || r.objects.length === 0;
    if (bad) return r.kind === 'peer-unapplied-grant' ? 'names no grant pattern' : 'names no object kinds';
  }
  if (r.kind === 'mangled-routine-grant' || r.kind === 'mangled-routine-name') {
    try {
      new TextDecoder(r.encoding);
    } catch {
      return `names an unknown encoding '${r.encoding}'`;
    }
  }
  return undefined;
}

/** Every comparison rule of every file in the folder (parsed and checked; bad input names the file and rule). */
export function loadComparisonRules(dir = COMPARISON_RULES_DIR): ComparisonRule[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => parseRulesFile<ComparisonRule>(readFileSync(join(dir, f), 'utf8'), join(dir, f), KINDS, checkRule).rules);
}

let cached: ComparisonRule[] | undefined;
/** The project's comparison rules, read once. */
export function comparisonRules(): ComparisonRule[] {
  cached ??= loadComparisonRules();
  return cached;
}

export function ruleOfKind<K extends ComparisonRule['kind']>(kind: K, rules = comparisonRules()): Extract<ComparisonRule, { kind: K }>[] {
  return rules.filter((r): r is Extract<ComparisonRule, { kind: K }> => r.kind === kind);
}

/** A character set's name as a comparison reads it: an alias of a charset-alias rule becomes the rule's first name. */
export function charsetName(name: string | null | undefined, rules = comparisonRules()): string | null {
  if (name === null || name === undefined) return null;
  const lower = name.toLowerCase();
  const rule = ruleOfKind('charset-alias', rules).find((r) => r.names.some((n) => n.toLowerCase() === lower));
  return rule ? rule.names[0]!.toLowerCase() : name;
}

/** A clause is among a pair's values: each value is a whole-clause regular expression (plain words match themselves). */
const among = (v: string, set: OneOrMany) => (Array.isArray(set) ? set : [set]).some((x) => new RegExp(`^(?:${x})$`).test(v));

/**
 * The rule that explains why two definitions of one object differ, with the finding for this direction, or nothing:
 * the texts must be equal once every occurrence of the rule's clause is set aside, and each pair of clauses that
 * differs must be a pair the rule allows (the first such pair is reported).
 */
export function explainDefinition(
  objectKind: string,
  expected: string,
  actual: string,
  rules = comparisonRules(),
  context: ComparisonContext = {},
): { rule: EquivalentDefinitionRule; severity: RuleSeverity; finding: string; expected: string; actual: string } | undefined {
  for (const rule of ruleOfKind('equivalent-definition', rules)) {
    if (rule.object !== objectKind) continue;
    const re = new RegExp(rule.pattern, 'g');
    const me = [...expected.matchAll(re)];
    const ma = [...actual.matchAll(re)];
    if (!me.length || me.length !== ma.length || me.some((m) => m[2] === undefined) || ma.some((m) => m[2] === undefined)) continue;
    const rest = (text: string) => text.replace(re, (_m, anchor: string) => `${anchor} <clause>`);
    if (rest(expected) !== rest(actual)) continue;
    const pairs = me.map((m, i) => [m[2]!, ma[i]![2]!] as const).filter(([e, a]) => e !== a);
    const allowed = pairs.map(([e, a]) =>
      rule.equivalent.find((p) => among(e, p.expected) && among(a, p.actual) && (p.between !== 'cluster-peers' || !!context.peers)),
    );
    const first = allowed[0];
    if (!pairs.length || !first || allowed.some((p) => !p)) continue;
    return { rule, severity: first.severity, finding: first.finding, expected: pairs[0]![0], actual: pairs[0]![1] };
  }
  return undefined;
}

/** A name as a server reads it back after storing its UTF-8 bytes as `encoding` text. */
export const mangledName = (name: string, encoding: string) =>
  encoding === 'windows-1252' ? cp1252(Buffer.from(name, 'utf8')) : new TextDecoder(encoding).decode(Buffer.from(name, 'utf8'));

/**
 * The name whose UTF-8 bytes, read as `encoding` text, read as `read`: the name a mangled one was made from, or
 * undefined when `read` is not such a reading (a character outside the encoding, or bytes that are not UTF-8).
 */
export function unmangledName(read: string, encoding: string): string | undefined {
  if (encoding !== 'windows-1252') return undefined;
  const bytes: number[] = [];
  for (const ch of read) {
    const high = CP1252_HIGH.indexOf(ch);
    const code = ch.codePointAt(0)!;
    if (high >= 0) bytes.push(0x80 + high);
    else if (code <= 0xff) bytes.push(code);
    else return undefined;
  }
  try {
    const name = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes));
    return name === read ? undefined : name;
  } catch {
    return undefined;
  }
}

/** 0x80–0x9F as MySQL's and MariaDB's latin1 (cp1252) read them; Node's TextDecoder reads that label as ISO-8859-1. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const cp1252 = (b: Buffer) => [...b].map((x) => (x >= 0x80 && x <= 0x9f ? CP1252_HIGH[x - 0x80]! : String.fromCharCode(x))).join('');

/** A CREATE FUNCTION/PROCEDURE text with the routine's name left out. */
const unnamed = (text: string) => text.replace(/^(CREATE\b.*?\b(?:FUNCTION|PROCEDURE) )`(?:[^`]|``)*`/, '$1`<name>`');

/**
 * Objects missing on the actual side under one name and there under that name's UTF-8 bytes read in the rule's
 * encoding (a key `FUNCTION db.name`), with the same definition apart from the name: each pair explained by the
 * mangled-routine-name rule. Returns the pairs' keys ([expected key, actual key]) and what explains them.
 */
export function explainMangledNames(
  expected: Readonly<Record<string, string>>,
  actual: Readonly<Record<string, string>>,
  missing: readonly string[],
  unexpected: readonly string[],
  rules = comparisonRules(),
): Array<{ keys: [string, string]; rule: MangledRoutineNameRule }> {
  const out: Array<{ keys: [string, string]; rule: MangledRoutineNameRule }> = [];
  for (const rule of ruleOfKind('mangled-routine-name', rules)) {
    for (const m of missing) {
      const sp = m.indexOf(' ');
      const [kind, qualified] = [m.slice(0, sp), m.slice(sp + 1)];
      const dot = qualified.indexOf('.');
      const name = qualified.slice(dot + 1);
      if (!rule.objects.includes(kind) || mangledName(name, rule.encoding) === name) continue;
      const read = `${kind} ${qualified.slice(0, dot)}.${mangledName(name, rule.encoding)}`;
      if (!unexpected.includes(read) || out.some((o) => o.keys[1] === read)) continue;
      // the CREATE text's own name is left out: SHOW CREATE returns it in the routine's character_set_client
      if (unnamed(actual[read]!) === unnamed(expected[m]!)) out.push({ keys: [m, read], rule });
    }
  }
  return out;
}
