/**
 * The incompatibility report, before anything moves: the old server's configuration, schema, routines, views,
 * triggers, events and accounts against the rules of the version step and against the target server's own answers
 * (which options it refuses or ignores, which sql_mode values and authentication plugins it has). Read-only.
 */
import { upgradeSql } from '../../sql/index.js';
import { codeOnly } from '../../workload/query-log.js';
import type { OptionVerdict } from '../../runtime/option-probe.js';
import { at, variableOf, type ConfigOption } from './config-file.js';
import type { Finding } from './findings.js';
import type { CodeObject, Inventory, SqlTarget } from './inventory.js';
import { pluginFindings } from './plugin-findings.js';
import type { DefaultRule, OptionRule, Rule, RuleSet } from './rules.js';

export interface IncompatInput {
  rules: RuleSet;
  old: Inventory;
  /** A running server of the target version (fresh or upgraded): asked for sql_mode values and plugins. */
  target: SqlTarget;
  /** The user's option files, parsed, and what the target server said about each option. */
  config?: { options: readonly ConfigOption[]; verdicts: readonly OptionVerdict[] };
}

/** 1-based line of an offset in a text. */
export const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

const objectName = (o: CodeObject) => `${o.type.toLowerCase()} ${o.db}.${o.name}`;

function optionFindings(input: IncompatInput): Finding[] {
  const cfg = input.config;
  if (!cfg) return [];
  const out: Finding[] = [];
  const optionRules = input.rules.rules.filter((r): r is OptionRule => r.kind === 'option');
  const ruleFor = (name: string) => optionRules.find((r) => r.options.includes(variableOf(name)));
  const verdictFor = (name: string) => cfg.verdicts.find((v) => v.name === name || v.name === variableOf(name));
  for (const o of cfg.options) {
    const rule = ruleFor(o.name);
    const said = verdictFor(o.name);
    const effect = said?.verdict ?? rule?.effect;
    if (!effect) continue;
    const severity = effect === 'refused' ? (o.loose ? 'warning' : 'blocking') : effect === 'ignored' ? 'warning' : 'info';
    const what =
      effect === 'refused'
        ? o.loose
          ? 'is unknown to the target server (loose-: it only warns)'
          : 'is refused by the target server: it will not start'
        : effect === 'ignored'
          ? 'is ignored by the target server (accepted, does nothing)'
          : 'is deprecated on the target server';
    out.push({
      severity,
      source: 'incompatibility',
      category: rule?.category ?? 'system-variables',
      kind: `option-${effect}`,
      where: at(o),
      message: `option ${o.name} in ${o.file} (line ${o.line}) ${what}${rule ? `; ${rule.advice}` : ''}`,
      cite: [rule?.cite, said ? `target server: ${said.message.trim()}` : undefined].filter(Boolean).join('; '),
      evidence: { option: o.name, file: o.file, line: o.line, group: o.group, serverSaid: said?.message, rule: rule?.id },
    });
  }
  return out;
}

function defaultFindings(input: IncompatInput): Finding[] {
  const out: Finding[] = [];
  const set = new Set((input.config?.options ?? []).map((o) => variableOf(o.name)));
  for (const r of input.rules.rules.filter((x): x is DefaultRule => x.kind === 'default')) {
    const pinned = (r.pinnedBy ?? []).find((v) => set.has(v));
    if (r.objectPattern && !pinned) {
      const re = new RegExp(r.objectPattern, 'gi');
      for (const o of input.old.objects) {
        const code = codeOnly(o.body);
        for (const m of code.matchAll(re)) {
          const line = lineOf(o.body, m.index ?? 0);
          out.push({
            severity: 'warning',
            source: 'incompatibility',
            category: r.category,
            kind: r.id,
            where: `${o.db}.${o.name}:${line}`,
            message: `${objectName(o)}, body line ${line}: '${o.body.split('\n')[line - 1]!.trim()}' depends on ${r.dependsOn ?? 'the default collation of utf8mb4'} (${r.from} on the old server, ${r.to} on the target); ${r.advice}`,
            cite: r.cite,
            evidence: { object: `${o.db}.${o.name}`, type: o.type, line, text: m[0] },
          });
        }
      }
    }
    out.push({
      severity: 'info',
      source: 'incompatibility',
      category: r.category,
      kind: r.id,
      where: pinned ? `option ${pinned}` : `server default ${r.variable}`,
      message: pinned
        ? `${r.variable}: the configuration sets ${pinned}, which pins it (${r.from} -> ${r.to} does not apply as a default)`
        : `${r.variable} changes from ${r.from} to ${r.to} (since ${r.since}); ${r.advice}`,
      cite: r.cite,
    });
  }
  return out;
}

function reservedWordFindings(input: IncompatInput, rule: Rule & { kind: 'reserved-word' }): Finding[] {
  const out: Finding[] = [];
  const words = new Set(rule.words.map((w) => w.toUpperCase()));
  for (const id of input.old.identifiers) {
    if (!words.has(id.name.toUpperCase())) continue;
    out.push({
      severity: 'warning',
      source: 'incompatibility',
      category: rule.category,
      kind: rule.id,
      where: id.where,
      message: `${id.what} ${id.where} is named ${id.name}, a reserved word on the target (since ${rule.since}); ${rule.advice}`,
      cite: rule.cite,
    });
  }
  const re = new RegExp(`\\b(${rule.words.join('|')})\\b`, 'gi');
  for (const o of input.old.objects) {
    if (o.type === 'VIEW') continue; // the server stores view definitions with every identifier quoted
    const code = codeOnly(o.body);
    const keywords = rule.keywordUse ? [...code.matchAll(new RegExp(rule.keywordUse, 'gi'))] : [];
    const asKeyword = (i: number) => keywords.some((k) => i >= (k.index ?? 0) && i < (k.index ?? 0) + k[0].length);
    for (const m of code.matchAll(re)) {
      if (asKeyword(m.index ?? 0)) continue;
      const line = lineOf(o.body, m.index ?? 0);
      out.push({
        severity: 'blocking',
        source: 'incompatibility',
        category: rule.category,
        kind: rule.id,
        where: `${o.db}.${o.name}:${line}`,
        message: `${objectName(o)}, body line ${line}: unquoted ${m[1]} is a reserved word on the target, the ${o.type.toLowerCase()} will not parse there; ${rule.advice}`,
        cite: rule.cite,
        evidence: { object: `${o.db}.${o.name}`, type: o.type, line, text: o.body.split('\n')[line - 1]?.trim() },
      });
    }
  }
  return out;
}

/** Code that uses what the target removed (blocking, the default) or deprecated (a rule with severity warning). */
function patternFindings(input: IncompatInput, rule: Rule & { kind: 'function' | 'syntax' }): Finding[] {
  const out: Finding[] = [];
  const re = new RegExp(rule.pattern, 'gi');
  const severity = rule.severity ?? 'blocking';
  for (const o of input.old.objects) {
    for (const m of codeOnly(o.body).matchAll(re)) {
      const line = lineOf(o.body, m.index ?? 0);
      out.push({
        severity,
        source: 'incompatibility',
        category: rule.category,
        kind: rule.id,
        where: `${o.db}.${o.name}:${line}`,
        message: `${objectName(o)}, body line ${line}: ${m[0].trim()} — ${severity === 'blocking' ? 'removed' : 'deprecated'} on the target (since ${rule.since}); ${rule.advice}`,
        cite: rule.cite,
        evidence: { object: `${o.db}.${o.name}`, line, text: o.body.split('\n')[line - 1]?.trim() },
      });
    }
  }
  return out;
}

/** Tables whose storage engine the target no longer has: they cannot be opened after the upgrade. */
function engineFindings(input: IncompatInput, rule: Rule & { kind: 'engine' }): Finding[] {
  const gone = new Set(rule.engines.map((e) => e.toLowerCase()));
  return input.old.tables
    .filter((t) => gone.has(t.engine.toLowerCase()))
    .map((t) => ({
      severity: rule.severity ?? 'blocking',
      source: 'incompatibility' as const,
      category: rule.category,
      kind: rule.id,
      where: `${t.db}.${t.name}`,
      message: `table ${t.db}.${t.name} uses the ${t.engine} engine, which the target does not have (since ${rule.since}); ${rule.advice}`,
      cite: rule.cite,
      evidence: { table: `${t.db}.${t.name}`, engine: t.engine },
    }));
}

/**
 * Tables whose default character set or columns are declared with a character set the target shows under another name
 * (utf8, shown as utf8mb3 from 10.6): one finding per table naming its columns. A warning: the data is unchanged,
 * its definitions read differently.
 */
function charsetFindings(input: IncompatInput, rule: Rule & { kind: 'charset' }): Finding[] {
  const names = new Set(rule.charsets.map((c) => c.toLowerCase()));
  const out: Finding[] = [];
  for (const t of input.old.tables) {
    const own = t.collation.toLowerCase().split('_')[0] ?? ''; // utf8_general_ci: the character set utf8
    const cols = input.old.columns.filter((c) => c.db === t.db && c.table === t.name && names.has(c.charset.toLowerCase()));
    if (!names.has(own) && !cols.length) continue;
    const what = [
      names.has(own) ? `its default character set is ${own}` : '',
      cols.length ? `${cols.length} column(s) are ${cols[0]!.charset} (${cols.map((c) => c.name).join(', ')})` : '',
    ].filter(Boolean);
    out.push({
      severity: rule.severity ?? 'warning',
      source: 'incompatibility',
      category: rule.category,
      kind: rule.id,
      where: `${t.db}.${t.name}`,
      message: `table ${t.db}.${t.name}: ${what.join(' and ')}, which the target stores and shows as ${rule.shownAs} (since ${rule.since}); ${rule.advice}`,
      cite: rule.cite,
      evidence: { table: `${t.db}.${t.name}`, collation: t.collation, columns: cols.map((c) => c.name) },
    });
  }
  return out;
}

async function accountFindings(input: IncompatInput, rule: Rule & { kind: 'account' }): Promise<Finding[]> {
  const out: Finding[] = [];
  const local = new Set(['localhost', '127.0.0.1', '::1']);
  if (rule.match === 'empty-password') {
    for (const a of input.old.accounts) {
      if (!a.noPassword || a.locked || local.has(a.host) || !['', 'mysql_native_password'].includes(a.plugin)) continue;
      out.push({
        severity: 'warning',
        source: 'incompatibility',
        category: rule.category,
        kind: rule.id,
        where: `'${a.user}'@'${a.host}'`,
        message: `account '${a.user}'@'${a.host}' has no password: ${rule.advice}`,
        cite: rule.cite,
      });
    }
  } else {
    const have = new Map(
      (await input.target.query<{ name: string; status: string }>(upgradeSql.authPlugins())).map((p) => [String(p.name), String(p.status)]),
    );
    for (const a of input.old.accounts) {
      if (!a.plugin || have.has(a.plugin)) continue;
      out.push({
        severity: 'blocking',
        source: 'incompatibility',
        category: rule.category,
        kind: rule.id,
        where: `'${a.user}'@'${a.host}'`,
        message: `account '${a.user}'@'${a.host}' authenticates with ${a.plugin}, which the target server does not have; ${rule.advice}`,
        cite: rule.cite,
        evidence: { targetPlugins: [...have.keys()] },
      });
    }
  }
  return out;
}

/** Every sql_mode the old server or one of its objects uses, tried on the target: a value it refuses blocks. */
async function sqlModeFindings(input: IncompatInput): Promise<Finding[]> {
  const uses = new Map<string, string[]>();
  const add = (mode: string | null | undefined, who: string) => {
    if (mode === null || mode === undefined) return;
    uses.set(mode, [...(uses.get(mode) ?? []), who]);
  };
  add(input.old.variables.get('sql_mode'), 'global sql_mode');
  for (const o of input.old.objects) add(o.sqlMode, `${o.db}.${o.name}`);
  const out: Finding[] = [];
  for (const [mode, who] of uses) {
    for (const value of mode.split(',').filter(Boolean)) {
      try {
        await input.target.query(upgradeSql.trySqlMode(value));
      } catch (e) {
        out.push({
          severity: 'blocking',
          source: 'incompatibility',
          category: 'object-definitions',
          kind: 'sql-mode-removed',
          where: who.join(', '),
          message: `sql_mode value ${value} (used by ${who.join(', ')}) is refused by the target server: ${(e as Error).message}`,
          cite: "the target server's own answer to SET sql_mode",
        });
      }
    }
  }
  const oldMode = input.old.variables.get('old_mode');
  for (const value of (oldMode ?? '').split(',').filter(Boolean)) {
    try {
      await input.target.query(upgradeSql.tryOldMode(value));
    } catch (e) {
      out.push({
        severity: 'blocking',
        source: 'incompatibility',
        category: 'system-variables',
        kind: 'old-mode-removed',
        where: 'global old_mode',
        message: `old_mode value ${value} is refused by the target server: ${(e as Error).message}`,
        cite: "the target server's own answer to SET old_mode",
      });
    }
  }
  return out;
}

export async function incompatibilityReport(input: IncompatInput): Promise<Finding[]> {
  const out: Finding[] = [...optionFindings(input), ...defaultFindings(input)];
  for (const r of input.rules.rules) {
    if (r.kind === 'reserved-word') out.push(...reservedWordFindings(input, r));
    if (r.kind === 'function' || r.kind === 'syntax') out.push(...patternFindings(input, r));
    if (r.kind === 'account') out.push(...(await accountFindings(input, r)));
    if (r.kind === 'engine') out.push(...engineFindings(input, r));
    if (r.kind === 'charset') out.push(...charsetFindings(input, r));
    if (r.kind === 'plugin') out.push(...(await pluginFindings(input, r)));
  }
  out.push(...(await sqlModeFindings(input)));
  return out;
}
