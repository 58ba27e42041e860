import { describe, expect, it } from 'vitest';
import type { Queryable } from './check.js';
import { mangledName, unmangledName } from './equivalence.js';
import { canonicalGrant, explainGrants, explainStoredRoutineGrants, grantDifferences } from './grant-rules.js';

const where = { database: '*', object: 'u@localhost' };

/** A server that answers SHOW CREATE PROCEDURE/FUNCTION with the given definer (as MariaDB 10.11/11.8 and MySQL 9.7 print it). */
const serverWithDefiner = (definer: string): Queryable =>
  ({
    name: 'replica-1',
    query: async (s: { sql: string }) =>
      /SHOW CREATE PROCEDURE/.test(s.sql)
        ? [{ Procedure: 'p', 'Create Procedure': `CREATE DEFINER=${definer} PROCEDURE \`p\`()\nBEGIN\n  SELECT 1;\nEND` }]
        : [{ Function: 'f', 'Create Function': `CREATE DEFINER=${definer} FUNCTION \`f\`() RETURNS int(11)\nRETURN 1` }],
  }) as unknown as Queryable;

describe('column grants compare as sets (F8)', () => {
  it('the same columns in another order read the same; names with commas and parentheses stay whole', () => {
    expect(canonicalGrant('GRANT SELECT (`ελληνικά99`, `ecp`), UPDATE (`ecp`) ON `d`.`t` TO `u`@`%`')).toBe(
      canonicalGrant('GRANT SELECT (`ecp`, `ελληνικά99`), UPDATE (`ecp`) ON `d`.`t` TO `u`@`%`'),
    );
    expect(canonicalGrant('GRANT SELECT (`b, (c)`, `a`) ON `d`.`t` TO `u`@`%`')).toBe('GRANT SELECT (`a`, `b, (c)`) ON `d`.`t` TO `u`@`%`');
  });

  it('another column, or a column under another privilege, is still a difference', async () => {
    const g = await grantDifferences(
      where,
      ['GRANT SELECT (`a`, `b`), UPDATE (`b`) ON `d`.`t` TO `u`@`%`'],
      ['GRANT SELECT (`b`, `c`), UPDATE (`b`) ON `d`.`t` TO `u`@`%`'],
      serverWithDefiner('`root`@`localhost`'),
    );
    expect(g.missing).toHaveLength(1);
    expect(g.extra).toHaveLength(1);
    const h = await grantDifferences(
      where,
      ['GRANT SELECT (`a`, `b`), UPDATE (`b`) ON `d`.`t` TO `u`@`%`'],
      ['GRANT SELECT (`a`, `b`), UPDATE (`a`) ON `d`.`t` TO `u`@`%`'],
      serverWithDefiner('`root`@`localhost`'),
    );
    expect(h.extra).toHaveLength(1);
  });
});

describe.each(['mariadb-10.11', 'mariadb-11.8', 'mysql-9.7'])('the routine grant a replica gives the definer (F4) on %s', () => {
  const grant = (kind: string, name: string, privs = 'EXECUTE, ALTER ROUTINE') =>
    `GRANT ${privs} ON ${kind} \`db\`.\`${name}\` TO \`u\`@\`localhost\``;

  it('EXECUTE, ALTER ROUTINE on a routine whose definer is the account is explained (info), with the rule and its source', async () => {
    const g = await grantDifferences(where, [], [grant('PROCEDURE', 'p'), grant('FUNCTION', 'f')], serverWithDefiner('`u`@`localhost`'));
    expect(g.missing).toEqual([]);
    expect(g.extra).toEqual([]);
    expect(g.explained.map((x) => [x.rule, x.severity])).toEqual([
      ['routine-creator-grant-on-replica', 'info'],
      ['routine-creator-grant-on-replica', 'info'],
    ]);
    expect(g.explained[0]!.cite).toMatch(/automatic_sp_privileges/);
  });

  it('a routine created under ANSI_QUOTES shows its definer in double quotes: the same account', async () => {
    const g = await grantDifferences(where, [], [grant('PROCEDURE', 'p')], serverWithDefiner('"u"@"localhost"'));
    expect([g.extra, g.explained.length]).toEqual([[], 1]);
    const other = await grantDifferences(where, [], [grant('PROCEDURE', 'p')], serverWithDefiner('"u2"@"localhost"'));
    expect(other.extra).toHaveLength(1);
  });

  it('merged with a grant the source has (EXECUTE): still only the automatic privileges added', async () => {
    const g = await grantDifferences(
      where,
      [grant('PROCEDURE', 'p', 'EXECUTE')],
      [grant('PROCEDURE', 'p')],
      serverWithDefiner('`u`@`localhost`'),
    );
    expect([g.missing, g.extra, g.explained.length]).toEqual([[], [], 1]);
  });

  it('the same grant to an account that is not the definer, more privileges, or a grant missing on the replica stay differences', async () => {
    const other = await grantDifferences(where, [], [grant('PROCEDURE', 'p')], serverWithDefiner('`root`@`localhost`'));
    expect(other.extra).toEqual([grant('PROCEDURE', 'p')]);
    const more = await grantDifferences(
      where,
      [],
      [grant('PROCEDURE', 'p', 'EXECUTE, ALTER ROUTINE, GRANT OPTION')],
      serverWithDefiner('`u`@`localhost`'),
    );
    expect(more.extra).toHaveLength(1);
    const gone = await grantDifferences(where, [grant('PROCEDURE', 'p')], [], serverWithDefiner('`u`@`localhost`'));
    expect(gone.missing).toHaveLength(1);
    expect(other.explained.length + more.explained.length + gone.explained.length).toBe(0);
  });
});

describe('a routine grant whose names the server stored as latin1 (F7)', () => {
  const on = (db: string) => `GRANT EXECUTE ON PROCEDURE \`${db}\`.\`j_i_\` TO \`a6_ii\`@\`%\``;

  it('the grant read back with the name mangled is explained as a warning, naming both forms', async () => {
    // measured on MariaDB 10.11.18: mysql.procs_priv held ÎµÎ»Î»Î·Î½Î¹ÎºÎ¬ for ελληνικά
    const g = await explainGrants(where, [on('ελληνικά28')], [on('ÎµÎ»Î»Î·Î½Î¹ÎºÎ¬28')], async () => undefined);
    expect([g.missing, g.extra]).toEqual([[], []]);
    expect(g.explained).toMatchObject([{ rule: 'routine-grant-name-stored-as-latin1', severity: 'warning', expected: on('ελληνικά28') }]);
    // a Cyrillic name has bytes that windows-1252 maps apart from ISO-8859-1 (0x80-0x9F)
    const cyr = 'данные';
    const read = mangledName(cyr, 'windows-1252'); // 0x8B is ‹ in cp1252 (Node's TextDecoder reads it as U+008B)
    expect((await explainGrants(where, [on(cyr)], [on(read)], async () => undefined)).explained).toHaveLength(1);
  });

  it('MySQL 9.7 reads the mangled routine name back lowercased (F37, measured with character_set_server=latin1): explained', async () => {
    const g = (name: string) => `GRANT EXECUTE ON PROCEDURE \`c_d-ea37p38___\`.\`${name}\` TO \`e1w_-y_4_x\`@\`%\``;
    const r = await explainGrants(where, [g('naïve5')], [g('naã¯ve5')], async () => undefined);
    expect([r.missing, r.extra, r.explained.map((x) => x.rule)]).toEqual([[], [], ['routine-grant-name-stored-as-latin1']]);
    const other = await explainGrants(where, [g('naïve5')], [g('naã¯ve6')], async () => undefined);
    expect([other.missing.length, other.extra.length, other.explained.length]).toEqual([1, 1, 0]);
  });

  it("the expected side read back mangled (a primary rebuilt from a replica's backup, primary-restore-catch-up on the corpus): explained", async () => {
    const g = await explainGrants(where, [on('ÎµÎ»Î»Î·Î½Î¹ÎºÎ¬28')], [on('ελληνικά28')], async () => undefined);
    expect([g.missing, g.extra]).toEqual([[], []]);
    expect(g.explained).toMatchObject([
      { rule: 'routine-grant-name-stored-as-latin1', expected: on('ÎµÎ»Î»Î·Î½Î¹ÎºÎ¬28'), actual: on('ελληνικά28') },
    ]);
    const other = await explainGrants(where, [on('ÎµÎ»Î»Î·Î½Î¹ÎºÎ¬28')], [on('ελληνικά29')], async () => undefined);
    expect([other.missing.length, other.extra.length, other.explained.length]).toEqual([1, 1, 0]);
  });

  it('a grant on another database, or a name read some other way, is still a difference', async () => {
    const g = await explainGrants(where, [on('ελληνικά28')], [on('ελληνικά29')], async () => undefined);
    expect([g.missing.length, g.extra.length, g.explained.length]).toEqual([1, 1, 0]);
    const h = await explainGrants(where, [on('shop')], [on('shop2')], async () => undefined);
    expect(h.explained).toEqual([]);
  });
});

describe('a GRANT PROXY a Galera peer did not apply (F22: its applier refuses it, ERROR 1698, and Galera ignores the error)', () => {
  const proxy = "GRANT PROXY ON 'def'@'localhost' TO 'px'@'%'";
  const none = async () => undefined;
  it('between peers of one cluster a PROXY grant missing on either side is explained as a warning, with the rule and its source', async () => {
    const g = await explainGrants(where, [proxy], [], none, undefined, { peers: true });
    expect([g.missing, g.extra]).toEqual([[], []]);
    expect(g.explained).toEqual([
      expect.objectContaining({
        rule: 'proxy-grant-not-applied-by-galera-peer',
        severity: 'warning',
        expected: proxy,
        actual: '(no grant)',
        cite: expect.stringContaining('wsrep_ignore_apply_errors'),
      }),
    ]);
    const other = await explainGrants(where, [], [proxy], none, undefined, { peers: true });
    expect([other.extra, other.explained[0]?.actual]).toEqual([[], proxy]);
  });

  it('between a source and its replica, or for any other grant between peers, the difference stays', async () => {
    expect((await explainGrants(where, [proxy], [], none)).missing).toEqual([proxy]);
    const select = 'GRANT SELECT ON `shop`.* TO `px`@`%`';
    const g = await explainGrants(where, [select, proxy], [], none, undefined, { peers: true });
    expect([g.missing, g.explained.length]).toEqual([[select], 1]);
  });
});

describe('the routine grant a replica gives the definer, stored with its names read as latin1 (F4 with F7, found by a drill that restarts the replica)', () => {
  const DB = 'ελληνικά28';
  const FN = 'ünï-cödé76';
  const [mdb, mfn] = [mangledName(DB, 'windows-1252'), mangledName(FN, 'windows-1252')];
  /** A replica where the routine exists under its own names with the given definer, and nothing under any other. */
  const replica = (definer: string): Queryable =>
    ({
      name: 'replica-1',
      query: async (s: { sql: string }) =>
        s.sql.includes(DB) && s.sql.includes(FN)
          ? [{ Function: FN, 'Create Function': `CREATE DEFINER=${definer} FUNCTION \`${FN}\`() RETURNS int(11)\nRETURN 1` }]
          : Promise.reject(new Error('FUNCTION does not exist')),
    }) as unknown as Queryable;
  const grant = (db: string, fn: string, to = '`u`@`web1.example.com`') =>
    `GRANT EXECUTE, ALTER ROUTINE ON FUNCTION \`${db}\`.\`${fn}\` TO ${to}`;
  const row = (db: string, fn: string, user = 'u', privs = 'Execute,Alter Routine') =>
    `procs_priv ${JSON.stringify({ Db: db, Host: 'web1.example.com', Proc_priv: privs, Routine_name: fn, Routine_type: 'FUNCTION', User: user })}`;
  const base = 'global_priv {"Host":"web1.example.com","User":"u"}';

  it('unmangledName reverses the latin1 reading, and says when a name is not such a reading', () => {
    expect([unmangledName(mdb, 'windows-1252'), unmangledName(mfn, 'windows-1252')]).toEqual([DB, FN]);
    expect(unmangledName('plain_name', 'windows-1252')).toBeUndefined(); // ASCII reads as itself
    expect(unmangledName(DB, 'windows-1252')).toBeUndefined(); // Greek letters are outside latin1
    expect(unmangledName('Ã(', 'windows-1252')).toBeUndefined(); // C3 28 is not UTF-8
  });

  it('SHOW GRANTS: the grant on the names read as latin1 is explained by both rules when the account is the definer', async () => {
    const g = await grantDifferences(where, [], [grant(mdb, mfn)], replica('`u`@`web1.example.com`'));
    expect([g.missing, g.extra]).toEqual([[], []]);
    expect(g.explained.map((x) => [x.rule, x.severity])).toEqual([
      ['routine-creator-grant-on-replica', 'info'],
      ['routine-grant-name-stored-as-latin1', 'warning'],
    ]);
  });

  it('SHOW GRANTS: another definer, or names that are no reading of the routine, stay differences', async () => {
    expect((await grantDifferences(where, [], [grant(mdb, mfn)], replica('`v`@`web1.example.com`'))).extra).toHaveLength(1);
    expect((await grantDifferences(where, [], [grant(mdb, 'other')], replica('`u`@`web1.example.com`'))).extra).toHaveLength(1);
  });

  it('as stored (a host-name account under skip_name_resolve): the extra procs_priv row is explained, the rest compared', async () => {
    const r = await explainStoredRoutineGrants(where, base, [base, row(mdb, mfn)].sort().join('\n'), replica('`u`@`web1.example.com`'));
    expect(r.actual).toBe(base);
    expect(r.explained.map((x) => x.rule)).toEqual(['routine-creator-grant-on-replica', 'routine-grant-name-stored-as-latin1']);
  });

  it('as stored: more privileges, another definer or another changed row stay in the comparison', async () => {
    const as = (actual: string[], definer = '`u`@`web1.example.com`') =>
      explainStoredRoutineGrants(where, base, actual.sort().join('\n'), replica(definer));
    const more = await as([base, row(mdb, mfn, 'u', 'Execute,Alter Routine,Grant')]);
    expect([more.actual.includes('procs_priv'), more.explained]).toEqual([true, []]);
    const other = await as([base, row(mdb, mfn)], '`v`@`web1.example.com`');
    expect(other.actual.includes('procs_priv')).toBe(true);
    const changed = await as(['global_priv {"Host":"web1.example.com","User":"u","x":1}', row(mdb, mfn)]);
    expect(changed.actual).not.toBe(base); // the explained row is out, the changed one is left to differ
  });
});
