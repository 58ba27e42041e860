import { describe, expect, it } from 'vitest';
import type { Queryable } from './check.js';
import { loadComparisonRules } from './equivalence.js';
import { compareServerOptions, recordServerOptions } from './state-options.js';

const SOURCE = {
  lower_case_table_names: '0',
  sql_mode: 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION',
  explicit_defaults_for_timestamp: '1',
  character_set_server: 'utf8mb4',
  collation_server: 'utf8mb4_general_ci',
  time_zone_tables: 'loaded',
};

/** A server answering the options statement with these values (numbers as a server sends them). */
const server = (o: Record<string, unknown>): Queryable => ({
  name: 'restored',
  query: async <T>(s: { sql: string }) => {
    expect(s.sql).toMatch(/@@GLOBAL\.lower_case_table_names/);
    return [o] as T[];
  },
});

describe('server options recorded with a state, against the restore server', () => {
  it('records every option as a string', async () => {
    expect(await recordServerOptions(server({ ...SOURCE, lower_case_table_names: 0, explicit_defaults_for_timestamp: 1 }))).toEqual(SOURCE);
  });

  it('the same options: valid, nothing named', async () => {
    const c = await compareServerOptions(SOURCE, server(SOURCE));
    expect(c.valid).toBe(true);
    expect(c.details['explained']).toBeUndefined();
    expect(c.details['optionsCompared']).toBe(6);
  });

  it("another sql_mode, character set and no time zone tables: each named as the environment's effect with its rule, the check stays valid", async () => {
    const c = await compareServerOptions(
      SOURCE,
      server({
        ...SOURCE,
        sql_mode: 'ANSI_QUOTES',
        character_set_server: 'latin1',
        collation_server: 'latin1_swedish_ci',
        time_zone_tables: 'empty',
      }),
    );
    expect(c.valid).toBe(true);
    const named = (c.details['explained'] as Array<{ object: string; rule: string; expected: string; actual: string }>).map(
      (e) => `${e.object} ${e.rule} ${e.expected} -> ${e.actual}`,
    );
    expect(named).toEqual([
      `sql_mode server-sql-mode ${SOURCE.sql_mode} -> ANSI_QUOTES`,
      'character_set_server server-character-set utf8mb4 -> latin1',
      'collation_server server-collation utf8mb4_general_ci -> latin1_swedish_ci',
      'time_zone_tables server-time-zone-tables loaded -> empty',
    ]);
  });

  it('another lower_case_table_names, or an option no rule covers, is a difference (restore-test refuses the first before it restores)', async () => {
    const c = await compareServerOptions(
      { ...SOURCE, innodb_page_size: '16384' },
      server({ ...SOURCE, lower_case_table_names: 1, innodb_page_size: 65536 }),
    );
    expect(c.valid).toBe(false);
    expect((c.details['differences'] as Array<{ object: string }>).map((d) => d.object)).toEqual([
      'lower_case_table_names',
      'innodb_page_size',
    ]);
  });

  it('a state without options (an earlier firedrill) is not applicable, never passed', async () => {
    const c = await compareServerOptions(undefined, server(SOURCE));
    expect(c.status).toBe('not-applicable');
  });

  it('every option the state records but lower_case_table_names has a rule with a source', () => {
    const rules = loadComparisonRules().filter((r) => r.kind === 'environment-option') as Array<{ variable: string; cite: string }>;
    expect(rules.map((r) => r.variable).sort()).toEqual(
      Object.keys(SOURCE)
        .filter((k) => k !== 'lower_case_table_names')
        .sort(),
    );
    for (const r of rules) expect(r.cite).toMatch(/^https:\/\//);
  });
});
