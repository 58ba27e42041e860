import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlavorId } from '../../core/index.js';
import { optionsCnf, renderDump } from '../../sql/corpus/index.js';
import { corpusFor, serverOptionsArb } from './corpus.js';

const FLAVORS: FlavorId[] = ['mariadb-10.11', 'mariadb-11.8', 'mysql-9.7'];
const cases = (c: ReturnType<typeof corpusFor>) => JSON.stringify([c.databases, c.tables, c.objects, c.accounts]);

describe('server options in the corpus', () => {
  it('are drawn after every other choice: with lower_case_table_names=0 a seed gives the same cases as without options', () => {
    let compared = 0;
    for (const f of FLAVORS)
      for (const seed of [20261206, 7, 12345, 99, 4242]) {
        const plain = corpusFor(f, seed, { cover: true, rows: 2 });
        const withOptions = corpusFor(f, seed, { cover: true, rows: 2, serverOptions: true });
        expect(plain.options).toBeUndefined();
        expect(withOptions.options).toBeDefined();
        if (withOptions.options!.lowerCaseTableNames === 1) continue;
        expect(cases(withOptions)).toBe(cases(plain));
        expect(renderDump(withOptions).startsWith(renderDump(plain).split('\n')[0]!)).toBe(true);
        compared++;
      }
    expect(compared).toBeGreaterThan(5);
  });

  it('reach every value on each flavor: both lower_case_table_names, each sql_mode, character set, time zone tables on/off', () => {
    for (const f of FLAVORS) {
      const seen = fc.sample(serverOptionsArb(f), { seed: 5, numRuns: 200 });
      expect(new Set(seen.map((o) => o.lowerCaseTableNames))).toEqual(new Set([0, 1]));
      const modes = new Set(seen.map((o) => o.sqlMode));
      expect(modes.size).toBe(f.startsWith('mysql') ? 4 : 5);
      expect([...modes].some((m) => m.includes('PAD_CHAR_TO_FULL_LENGTH'))).toBe(!f.startsWith('mysql'));
      expect(modes.has('')).toBe(true);
      expect(new Set(seen.map((o) => o.characterSet))).toEqual(new Set(['utf8mb4', 'latin1', 'utf8mb3']));
      expect(new Set(seen.map((o) => o.timeZoneTables))).toEqual(new Set([true, false]));
      expect(new Set(seen.map((o) => o.explicitDefaultsForTimestamp))).toEqual(new Set([true, false]));
    }
  });

  it('under lower_case_table_names=1 every name is lower case and no two tables differ only in case', () => {
    const o = { cover: true, rows: 1, serverOptions: true };
    const seed = [...Array(200).keys()].find((s) => corpusFor('mariadb-10.11', s, o).options!.lowerCaseTableNames === 1)!;
    const c = corpusFor('mariadb-10.11', seed, o);
    expect(c.tables.some((t) => t.kind === 'case-pair')).toBe(false);
    for (const n of [...c.databases, ...c.tables.map((t) => t.name), ...c.objects.map((o) => o.name)]) expect(n).toBe(n.toLowerCase());
    expect(optionsCnf(c.options!)).toMatch(/^lower_case_table_names\s+= 1$/m);
  });

  it("renders the team's my.cnf and the objects the options decide: no character set, a bare TIMESTAMP, CONVERT_TZ to a named zone", () => {
    const c = corpusFor('mysql-9.7', 3, { cover: true, rows: 1, serverOptions: true });
    const cnf = optionsCnf(c.options!);
    expect(cnf).toMatch(/^\[mysqld\]$/m);
    expect(cnf).toContain(`sql_mode                       = "${c.options!.sqlMode}"`);
    expect(cnf).toMatch(/^collation_server\s+= \w+$/m);
    const dump = renderDump(c);
    const o = c.optionObjects!;
    expect(dump).toContain(`CREATE DATABASE /*!32312 IF NOT EXISTS*/ \`${o.db.replace(/`/g, '``')}\`;\n`);
    expect(dump).toMatch(/`stamp` TIMESTAMP,\n/);
    expect(dump).toMatch(/CONVERT_TZ\(`at`, 'UTC', 'Europe\/Paris'\)/);
    expect(renderDump(corpusFor('mysql-9.7', 3, { cover: true, rows: 1 }))).not.toMatch(/CONVERT_TZ/);
  });
});
