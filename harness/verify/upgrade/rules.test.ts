import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOptionFile, serverOptions } from './config-file.js';
import { goNoGo, goNoGoMarkdown } from './findings.js';
import { codeOnly } from '../../workload/query-log.js';
import { incompatibilityReport, lineOf } from './incompat.js';
import { emptyInventory, serious, target, tempDir } from './rules.test-fixture.js';
import { FLAVORS } from '../../core/index.js';
import { loadRuleSet, parseRuleSet } from './rules.js';

const rules = loadRuleSet(FLAVORS['mariadb-10.11'], FLAVORS['mariadb-11.8']);
describe('upgrade rules as data', () => {
  it('every rule of the 10.11 -> 11.8 step cites its source and covers each required kind', () => {
    expect(rules.rules.every((r) => r.cite.length > 10)).toBe(true);
    const kinds = new Set(rules.rules.map((r) => r.kind));
    for (const k of ['option', 'default', 'reserved-word', 'account']) expect(kinds).toContain(k);
    expect(rules.rules.find((r) => r.id === 'option-ignored-innodb_defragment')).toMatchObject({ kind: 'option', effect: 'ignored' });
  });
  it('a step without rules and a rule without a citation are refused (exit 2)', () => {
    expect(() => loadRuleSet(FLAVORS['mariadb-10.11'], { id: 'mariadb-99.1', family: 'mariadb', series: '99.1' })).toThrow(
      /no upgrade rules for mariadb-10.11 -> mariadb-99.1 \(have: mariadb-10.11-to-11.8/,
    );
    expect(() => parseRuleSet(JSON.stringify({ from: 'a', to: 'b', rules: [{ id: 'x', kind: 'option', options: [] }] }), 'f.json')).toThrow(
      /cites no release notes/,
    );
  });
});

describe('option files', () => {
  it('reads groups, lines, loose- and includes; only server groups count', () => {
    const d = tempDir();
    writeFileSync(join(d, 'extra.cnf'), '[mariadbd]\ninnodb-defragment = 1\n');
    writeFileSync(
      join(d, 'my.cnf'),
      '# comment\n[client]\nport=3306\n[mysqld]\nloose-max_tmp_tables=32\nskip-name-resolve\n!include extra.cnf\n',
    );
    const opts = serverOptions(parseOptionFile(join(d, 'my.cnf')));
    expect(opts.map((o) => [o.name, o.line, o.loose, o.group])).toEqual([
      ['max_tmp_tables', 5, true, 'mysqld'],
      ['skip_name_resolve', 6, false, 'mysqld'],
      ['innodb_defragment', 2, false, 'mariadbd'],
    ]);
  });
});

describe('code scanning', () => {
  it('blanks strings, quoted identifiers and comments but keeps offsets and lines', () => {
    const s = "SELECT 'vector' /* vector */, `vector`\n-- vector\nFROM vector";
    const c = codeOnly(s);
    expect(c.length).toBe(s.length);
    expect([...c.matchAll(/vector/gi)].map((m) => lineOf(s, m.index!))).toEqual([3]);
  });
});

describe('incompatibility report (each rule kind on a schema that has the problem, nothing on a clean one)', () => {
  it('a clean schema has no blocking finding and no warning', async () => {
    const f = await incompatibilityReport({ rules, old: emptyInventory(), target: target() });
    expect(serious(f)).toEqual([]);
    expect(goNoGo(f).verdict).toBe('go');
  });
  it('finds a routine that depends on the default collation, with its line, unless the config pins it', async () => {
    const old = emptyInventory();
    old.objects.push({
      db: 'shop',
      name: 'same_name',
      type: 'FUNCTION',
      sqlMode: 'STRICT_TRANS_TABLES',
      collation: 'utf8mb4_general_ci',
      body: 'BEGIN\n  -- CHARSET utf8mb4 in a comment does not count\n  RETURN CONVERT(a USING utf8mb4) = CONVERT(b USING utf8mb4 ) COLLATE utf8mb4_bin;\nEND',
    });
    const f = serious(await incompatibilityReport({ rules, old, target: target() }));
    expect(f.map((x) => [x.kind, x.where, x.severity])).toEqual([
      ['default-collation-uca1400', 'shop.same_name:3', 'warning'],
      ['default-collation-uca1400', 'shop.same_name:3', 'warning'],
    ]);
    const d = tempDir();
    writeFileSync(join(d, 'my.cnf'), '[mysqld]\ncharacter_set_collations=utf8mb4=utf8mb4_general_ci\n');
    const pinned = await incompatibilityReport({
      rules,
      old,
      target: target(),
      config: { options: serverOptions(parseOptionFile(join(d, 'my.cnf'))), verdicts: [] },
    });
    expect(serious(pinned)).toEqual([]);
  });
  it('an option the target refuses blocks; one it ignores warns, naming the option and the file', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'my.cnf'), '[mysqld]\ninnodb_defragment=1\nold_alter_table=1\n');
    const options = serverOptions(parseOptionFile(join(d, 'my.cnf')));
    const f = await incompatibilityReport({
      rules,
      old: emptyInventory(),
      target: target(),
      config: {
        options,
        verdicts: [
          { name: 'old_alter_table', verdict: 'refused', message: "mariadbd: unknown variable 'old_alter_table=1'" },
          { name: 'innodb_defragment', verdict: 'ignored', message: "'innodb-defragment' was removed. It does nothing now" },
        ],
      },
    });
    const s = serious(f);
    expect(s.map((x) => [x.severity, x.kind, x.where])).toEqual([
      ['warning', 'option-ignored', `${d}/my.cnf:2`],
      ['blocking', 'option-refused', `${d}/my.cnf:3`],
    ]);
    expect(s[0]!.message).toMatch(/innodb_defragment in .*my\.cnf \(line 2\)/);
    expect(goNoGo(f).verdict).toBe('no-go');
  });
  it('a newly reserved word: an identifier warns, an unquoted use in a routine body blocks', async () => {
    const old = emptyInventory();
    old.identifiers.push({ where: 'ai.docs.vector', name: 'vector', what: 'column' });
    old.objects.push({
      db: 'ai',
      name: 'p',
      type: 'PROCEDURE',
      sqlMode: '',
      collation: null,
      body: 'BEGIN\n  SELECT `vector` FROM docs;\n  SELECT vector FROM docs;\nEND',
    });
    const f = serious(await incompatibilityReport({ rules, old, target: target() }));
    expect(f.map((x) => [x.severity, x.where])).toEqual([
      ['warning', 'ai.docs.vector'],
      ['blocking', 'ai.p:3'],
    ]);
  });
  it('an sql_mode value the target refuses blocks; accounts without a password or with a missing plugin are found', async () => {
    const old = emptyInventory();
    old.variables.set('sql_mode', 'STRICT_TRANS_TABLES,GONE_MODE');
    old.accounts.push(
      { user: 'app', host: '%', plugin: 'mysql_native_password', noPassword: true, locked: false },
      { user: 'ldap', host: '%', plugin: 'auth_gone', noPassword: false, locked: false },
      { user: 'mariadb.sys', host: 'localhost', plugin: 'mysql_native_password', noPassword: true, locked: true },
    );
    const f = serious(await incompatibilityReport({ rules, old, target: target(['GONE_MODE']) }));
    expect(f.map((x) => [x.severity, x.kind, x.where])).toEqual([
      ['warning', 'auth-tls-by-default', "'app'@'%'"],
      ['blocking', 'auth-plugin-available', "'ldap'@'%'"],
      ['blocking', 'sql-mode-removed', 'global sql_mode'],
    ]);
  });
  it('a removed function rule finds its use with the line (rule kind exercised with a rule of its own)', async () => {
    const withFn = {
      ...rules,
      rules: [
        ...rules.rules,
        {
          id: 'fn-gone',
          kind: 'function' as const,
          category: 'object-definitions' as const,
          pattern: '\\bDES_ENCRYPT\\s*\\(',
          since: 'x',
          advice: 'use AES_ENCRYPT',
          cite: 'test',
        },
      ],
    };
    const old = emptyInventory();
    old.objects.push({
      db: 'd',
      name: 'v',
      type: 'TRIGGER',
      sqlMode: '',
      collation: null,
      body: 'BEGIN\nSET NEW.s = des_encrypt(NEW.s);\nEND',
    });
    const f = serious(await incompatibilityReport({ rules: withFn, old, target: target() }));
    expect(f.map((x) => [x.severity, x.kind, x.where])).toEqual([['blocking', 'fn-gone', 'd.v:2']]);
  });
  it('the go/no-go page lists each finding with its severity', () => {
    const g = goNoGo([{ severity: 'warning', source: 'incompatibility', kind: 'k', where: 'w', message: 'm | pipe' }]);
    expect(g).toMatchObject({ verdict: 'go', warnings: 1 });
    expect(goNoGoMarkdown(g)).toContain('| warning | incompatibility | k | w | m \\| pipe |');
  });
  it('10.11 -> 11.8: a plugin 11.8 does not ship warns (installed) and blocks (loaded by the file); 10.11.18 plugins 11.8 has pass', async () => {
    const old = emptyInventory();
    old.plugins.push(
      { name: 'PASSWORD_REUSE_CHECK', type: 'PASSWORD VALIDATION', library: 'password_reuse_check.so' },
      { name: 'VENDOR_AUDIT', type: 'AUDIT', library: 'vendor_audit.so' },
    );
    const d = tempDir();
    writeFileSync(join(d, 'my.cnf'), '[mariadb]\nplugin_load_add=vendor_audit\n');
    const config = { options: serverOptions(parseOptionFile(join(d, 'my.cnf'))), verdicts: [] };
    const has = target([], ['PASSWORD_REUSE_CHECK=password_reuse_check.so', 'unix_socket']);
    const installed = serious(await incompatibilityReport({ rules, old, target: has }));
    expect(installed.map((x) => [x.severity, x.category, x.kind, x.where])).toEqual([
      ['warning', 'plugins', 'plugin-available', 'plugin VENDOR_AUDIT'],
    ]);
    const loaded = serious(await incompatibilityReport({ rules, old, target: has, config }));
    expect(loaded.map((x) => [x.severity, x.kind, x.where.replace(/.*\//, '')])).toEqual([['blocking', 'plugin-available', 'my.cnf:2']]);
    expect(goNoGo(loaded).verdict).toBe('no-go');
  });
});
