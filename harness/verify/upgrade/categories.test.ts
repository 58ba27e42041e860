// The upgrade rules' categories (MySQL Shell's upgrade-checker categories): every rule has one the loader knows, an
// unknown or missing one is bad input naming the file and the rule, and the go/no-go page groups findings by them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/index.js';
import { projectRoot } from '../../runtime/paths.js';
import { goNoGo, goNoGoMarkdown, type Finding } from './findings.js';
import { incompatibilityReport } from './incompat.js';
import { parseRuleSet, UPGRADE_CATEGORIES } from './rules.js';
import { emptyInventory, target } from './rules.test-fixture.js';

const dir = join(projectRoot, 'fixtures', 'upgrade-rules');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const step = (rules: unknown[]) => JSON.stringify({ from: 'mariadb-10.11', to: 'mariadb-11.8', rules });
const rule = { id: 'r1', kind: 'option', effect: 'refused', options: ['x'], since: '11.0', advice: 'a', cite: 'https://x' };

describe('upgrade rule categories', () => {
  it('every rule of every step file has a category of the fixed set', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      const set = parseRuleSet(readFileSync(join(dir, f), 'utf8'), f);
      for (const r of set.rules) expect(UPGRADE_CATEGORIES, `${f} ${r.id}`).toContain(r.category);
    }
  });

  it('an unknown or missing category is bad input naming the file and the rule', () => {
    const bad = () => parseRuleSet(step([{ ...rule, category: 'reserved-keywords' }]), 'steps/x.json');
    expect(bad).toThrow(UsageError);
    expect(bad).toThrow(/^steps\/x\.json: rule r1 has an unknown category 'reserved-keywords' \(one of: system-variables, /);
    expect(() => parseRuleSet(step([rule]), 'steps/x.json')).toThrow(/steps\/x\.json: rule r1 has no category/);
    expect(parseRuleSet(step([{ ...rule, category: 'system-variables' }]), 'steps/x.json').rules).toHaveLength(1);
  });

  it('an engine rule names its engines', () => {
    const engine = { ...rule, kind: 'engine', category: 'engines', effect: undefined, options: undefined };
    expect(() => parseRuleSet(step([engine]), 'e.json')).toThrow(/e\.json: rule r1 names no engines/);
    expect(parseRuleSet(step([{ ...engine, engines: ['TokuDB'] }]), 'e.json').rules).toHaveLength(1);
  });

  it('a charset rule names its character sets and the name the target shows', () => {
    const cs = { ...rule, kind: 'charset', category: 'object-definitions', effect: undefined, options: undefined, charsets: ['utf8'] };
    expect(() => parseRuleSet(step([cs]), 'c.json')).toThrow(/c\.json: rule r1 needs charsets and shownAs/);
    expect(parseRuleSet(step([{ ...cs, shownAs: 'utf8mb3' }]), 'c.json').rules).toHaveLength(1);
  });

  it("findings the target server itself proves get the category of the checker's matching check", async () => {
    const old = emptyInventory();
    old.variables.set('sql_mode', 'GONE_MODE');
    const set = parseRuleSet(step([]), 'empty.json');
    const f = await incompatibilityReport({
      rules: set,
      old,
      target: target(['GONE_MODE']),
      config: {
        options: [{ file: 'my.cnf', line: 2, group: 'mysqld', name: 'gone_option', raw: 'gone_option=1', loose: false }],
        verdicts: [{ name: 'gone_option', verdict: 'refused', message: 'unknown variable' }],
      },
    });
    expect(f.map((x) => [x.kind, x.category])).toEqual([
      ['option-refused', 'system-variables'],
      ['sql-mode-removed', 'object-definitions'],
    ]);
  });
});

describe('the go/no-go page by category', () => {
  const findings: Finding[] = [
    { severity: 'info', source: 'incompatibility', category: 'system-variables', kind: 'd', where: 'server default x', message: 'n' },
    {
      severity: 'warning',
      source: 'incompatibility',
      category: 'object-definitions',
      kind: 'utf8-is-utf8mb3',
      where: 'shop.p:2',
      message: 'w',
      cite: 'https://mariadb.com/kb/en/old-mode/ (UTF8_IS_UTF8MB3); measured',
    },
    {
      severity: 'blocking',
      source: 'incompatibility',
      category: 'system-variables',
      kind: 'option-refused',
      where: 'my.cnf:3',
      message: 'b',
    },
    { severity: 'blocking', source: 'replay', kind: 'result', where: 'SELECT 1', message: 'r' },
  ];

  it('one section per category with its counts, the worst first, blocking first inside each', () => {
    const md = goNoGoMarkdown(goNoGo(findings));
    expect([...md.matchAll(/^### (.*)$/gm)].map((m) => m[1])).toEqual([
      'query replay: 1 blocking, 0 warning(s), 0 note(s)',
      'system-variables: 1 blocking, 0 warning(s), 1 note(s)',
      'object-definitions: 0 blocking, 1 warning(s), 0 note(s)',
    ]);
    const sv = md.slice(md.indexOf('### system-variables'), md.indexOf('### object-definitions'));
    expect([...sv.matchAll(/^\| (blocking|warning|info) \|/gm)].map((m) => m[1])).toEqual(['blocking', 'info']);
  });

  it('--json keeps category, severity, object and link of each finding', () => {
    const g = JSON.parse(JSON.stringify(goNoGo(findings))) as { findings: Finding[] };
    const w = g.findings.find((f) => f.kind === 'utf8-is-utf8mb3');
    expect(w).toMatchObject({
      category: 'object-definitions',
      severity: 'warning',
      where: 'shop.p:2',
      link: 'https://mariadb.com/kb/en/old-mode/',
    });
    // a finding without a documentation address has no link rather than a made-up one
    expect(g.findings.find((f) => f.kind === 'result')?.link).toBeUndefined();
  });
});
