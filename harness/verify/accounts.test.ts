import { describe, expect, it } from 'vitest';
import { compareAccounts, maskSecrets, normaliseAccountQuotes } from './accounts.js';
import type { Queryable } from './check.js';

describe('normaliseAccountQuotes', () => {
  it('reads a PROXY grant alike from MariaDB 10.11 and 11.8 (seen on the pre-upgrade drill)', () => {
    expect(normaliseAccountQuotes("GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION")).toBe(
      'GRANT PROXY ON ``@`%` TO `root`@`localhost` WITH GRANT OPTION',
    );
    expect(normaliseAccountQuotes('GRANT PROXY ON ``@`%` TO `root`@`localhost` WITH GRANT OPTION')).toBe(
      'GRANT PROXY ON ``@`%` TO `root`@`localhost` WITH GRANT OPTION',
    );
    expect(normaliseAccountQuotes("GRANT SELECT ON `db`.* TO 'o''neil'@'%'")).toBe("GRANT SELECT ON `db`.* TO `o'neil`@`%`");
  });
});

describe('maskSecrets', () => {
  it('replaces password hashes by a digest (never printed), the same hash giving the same digest', () => {
    const maria = "CREATE USER `app`@`%` IDENTIFIED BY PASSWORD '*D821809F681A40A6E379B50D0463EFAE20BDD122'";
    const m = maskSecrets(maria);
    expect(m).not.toContain('D821809F');
    expect(m).toMatch(/IDENTIFIED BY PASSWORD <auth sha256:[0-9a-f]{16}>$/);
    expect(maskSecrets(maria)).toBe(m);
    expect(maskSecrets(maria.replace('D821', 'E821'))).not.toBe(m);
    const mysql =
      "CREATE USER `app`@`%` IDENTIFIED WITH 'caching_sha2_password' AS '$A$00A$iE5wH\\r\\'%~H9gwdL' DEFAULT ROLE `r1`@`%` REQUIRE NONE";
    const my = maskSecrets(mysql);
    expect(my).not.toContain('iE5wH');
    expect(my).toContain("IDENTIFIED WITH 'caching_sha2_password' AS <auth sha256:");
    expect(my).toContain('DEFAULT ROLE `r1`@`%` REQUIRE NONE');
    expect(maskSecrets("IDENTIFIED VIA mysql_native_password USING 'invalid' OR unix_socket")).toMatch(
      /USING <auth sha256:[0-9a-f]+> OR unix_socket/,
    );
  });
});

/** A fake server answering the account statements from a table of accounts. */
function server(name: string, accounts: Record<string, { create?: string; grants: string[] }>): Queryable {
  return {
    name,
    async query<T>(stmt: { sql: string }): Promise<T[]> {
      if (/FROM mysql\.user/.test(stmt.sql))
        return Object.keys(accounts).map((k) => {
          const [user, host] = k.split('@');
          return { user, host: host ?? '' };
        }) as T[];
      const m = /^SHOW (CREATE USER|GRANTS FOR) '([^']*)'(?:@'([^']*)')?/.exec(stmt.sql)!;
      const a = accounts[m[3] === undefined ? m[2]! : `${m[2]}@${m[3]}`]!;
      if (m[1] === 'CREATE USER') {
        if (!a.create) throw new Error('no such user');
        return [{ c: a.create }] as T[];
      }
      return a.grants.map((g) => ({ g })) as T[];
    },
  };
}

describe('compareAccounts', () => {
  const base = {
    'app@%': {
      create: "CREATE USER `app`@`%` IDENTIFIED BY PASSWORD '*AAAA'",
      grants: ['GRANT SELECT ON `shop`.* TO `app`@`%`', 'GRANT `reader` TO `app`@`%`'],
    },
    reader: { grants: ['GRANT SELECT ON `shop`.* TO `reader`'] },
    'firedrill@%': {
      create: "CREATE USER `firedrill`@`%` IDENTIFIED BY PASSWORD '*HARNESS1'",
      grants: ['GRANT ALL PRIVILEGES ON *.* TO `firedrill`@`%`'],
    },
  };
  it("equal accounts, roles and grants pass; the harness's own accounts are left out", async () => {
    const other = {
      ...base,
      'firedrill@%': { create: "CREATE USER `firedrill`@`%` IDENTIFIED BY PASSWORD '*HARNESS2'", grants: base['firedrill@%'].grants },
    };
    expect((await compareAccounts(server('a', base), server('b', other), ['firedrill'])).valid).toBe(true);
    expect((await compareAccounts(server('a', base), server('b', other))).valid).toBe(false);
  });
  it('names a missing account, a lost grant, a changed password (by digest only) and a missing role', async () => {
    const broken = {
      'app@%': {
        create: "CREATE USER `app`@`%` IDENTIFIED BY PASSWORD '*BBBB'",
        grants: ['GRANT `reader` TO `app`@`%`', 'GRANT INSERT ON `shop`.* TO `app`@`%`'],
      },
      'ghost@%': { create: 'CREATE USER `ghost`@`%`', grants: [] },
    };
    const c = await compareAccounts(server('a', base), server('b', broken), ['firedrill']);
    expect(c.valid).toBe(false);
    const kinds = (c.details['differences'] as Array<{ object: string; kind: string }>).map((d) => `${d.object} ${d.kind}`);
    expect(kinds).toEqual([
      'app@% account-definition-differs',
      'app@% grants-differ',
      'ghost@% account-unexpected',
      'reader account-missing',
    ]);
    expect(JSON.stringify(c)).not.toMatch(/AAAA|BBBB/);
  });

  it("a fan-in holds the union of its sources' accounts (F20): each source united with the others passes, a lost one still fails", async () => {
    const a = {
      'root@localhost': { create: 'CREATE USER `root`@`localhost`', grants: ['GRANT `ra` TO `root`@`localhost` WITH ADMIN OPTION'] },
    };
    const b = {
      'root@localhost': { create: 'CREATE USER `root`@`localhost`', grants: ['GRANT `rb` TO `root`@`localhost` WITH ADMIN OPTION'] },
      'app@%': base['app@%'],
    };
    const fanin = {
      'root@localhost': { ...a['root@localhost'], grants: [...a['root@localhost'].grants, ...b['root@localhost'].grants] },
      'app@%': base['app@%'],
    };
    // compared with source a alone, b's account and b's role grant are extra: the false alarm of F20
    expect((await compareAccounts(server('a', a), server('fanin', fanin))).valid).toBe(false);
    expect((await compareAccounts(server('a', a), server('fanin', fanin), [], 'accounts', [server('b', b)])).valid).toBe(true);
    const lost = { 'root@localhost': a['root@localhost'] };
    const c = await compareAccounts(server('a', a), server('fanin', lost), [], 'accounts', [server('b', b)]);
    const kinds = (c.details['differences'] as Array<{ object: string; kind: string }>).map((d) => `${d.object} ${d.kind}`);
    expect(kinds).toEqual(['app@% account-missing', 'root@localhost grants-differ']);
  });

  it('accounts that cannot be listed (no privilege on mysql.user) are a difference, never "equal"', async () => {
    const denied: Queryable = {
      name: 'b',
      async query() {
        throw new Error("SELECT command denied to user 'verify'@'%' for table `mysql`.`user`");
      },
    };
    const c = await compareAccounts(server('a', base), denied, ['firedrill']);
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([
      expect.objectContaining({ kind: 'accounts-not-readable', actual: expect.stringContaining('denied') }),
    ]);
  });
});
