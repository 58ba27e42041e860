import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FlavorId } from '../../core/index.js';
import { authMutation, grantMutation, pluginsCnf, renderDump } from '../../sql/corpus/index.js';
import {
  cachingSha2Stored,
  ed25519Stored,
  parsecStoredWithSalt,
  sha256CryptDigest,
  sha256PasswordStored,
} from '../../sql/corpus/auth-hashes.js';
import { authKindsOf, corpusFor } from './corpus.js';

const FLAVORS: FlavorId[] = ['mariadb-10.11', 'mariadb-11.8', 'mysql-9.7'];
const digest = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);

describe('accounts of other authentication plugins in the corpus', () => {
  it('the covering sample holds one account of each plugin the build ships, rendered with a stored string', () => {
    const maria = corpusFor('mariadb-10.11', 20261206, { cover: true, rows: 2 });
    expect(maria.accounts.filter((a) => a.kind.startsWith('auth-')).map((a) => a.kind)).toEqual(authKindsOf('mariadb-10.11'));
    const md = renderDump(maria);
    expect(md).toMatch(/^CREATE USER .* IDENTIFIED VIA ed25519 USING '[A-Za-z0-9+/]{43}';$/m);
    expect(md).toMatch(/^CREATE USER .*@'localhost' IDENTIFIED VIA unix_socket;$/m);
    expect(md).toMatch(/^CREATE USER .* IDENTIFIED VIA ed25519 USING '[A-Za-z0-9+/]{43}' OR unix_socket;$/m);
    expect(pluginsCnf(maria)).toBe('[mysqld]\nplugin_load_add = auth_ed25519\n');

    const my = corpusFor('mysql-9.7', 20261206, { cover: true, rows: 2 });
    expect(my.accounts.filter((a) => a.kind.startsWith('auth-')).map((a) => a.kind)).toEqual([
      'auth-caching-sha2',
      'auth-sha256',
      'auth-socket',
      'auth-no-login',
    ]);
    const yd = renderDump(my);
    // $A$005$ and $5$ as hex: 0x244124303035 24…, 0x243524…; 70 bytes = 140 hex digits for caching_sha2
    expect(yd).toMatch(/^CREATE USER .* IDENTIFIED WITH caching_sha2_password AS 0x24412430303524[0-9a-f]{126};$/m);
    expect(yd).toMatch(/^CREATE USER .* IDENTIFIED WITH sha256_password AS 0x243524[0-9a-f]+;$/m);
    expect(yd).toMatch(/^CREATE USER .*@'localhost' IDENTIFIED WITH auth_socket;$/m);
    expect(yd).toMatch(/^CREATE USER .*@'%' IDENTIFIED WITH mysql_no_login;$/m);
    expect(pluginsCnf(my)).toBe('[mysqld]\nplugin_load_add = auth_socket.so\nplugin_load_add = mysql_no_login.so\n');
    // no password anywhere, a stored string at most
    for (const d of [md, yd]) expect(d).not.toMatch(/IDENTIFIED BY '|PASSWORD\('/);
  });

  it('MariaDB 11.8 also holds a parsec account (11.6+), and loads its plugin', () => {
    const c = corpusFor('mariadb-11.8', 20261206, { cover: true, rows: 0 });
    expect(authKindsOf('mariadb-11.8')).toEqual(['auth-ed25519', 'auth-unix-socket', 'auth-two-plugins', 'auth-parsec']);
    expect(renderDump(c)).toMatch(/^CREATE USER .* IDENTIFIED VIA parsec USING 'P0:[A-Za-z0-9+/]{24}:[A-Za-z0-9+/]{43}';$/m);
    expect(pluginsCnf(c)).toBe('[mysqld]\nplugin_load_add = auth_ed25519\nplugin_load_add = auth_parsec\n');
  });

  it('a corpus without such accounts needs no my.cnf; drawn at random, they come and go one by one', () => {
    for (const f of FLAVORS) {
      const none = corpusFor(f, 5, { cover: true, rows: 0, without: authKindsOf(f) });
      expect(none.accounts.some((a) => a.kind.startsWith('auth-'))).toBe(false);
      expect(pluginsCnf(none)).toBe('');
      expect(authMutation(none)).toBeNull();
    }
  });

  it("drawn after every other choice: the fixed seed's tables, objects and other accounts are the ones npm test's findings were made on", () => {
    // digests of corpusFor(f, 20261206, { cover: true, rows: 4 }) taken before these accounts existed
    const before: Partial<Record<FlavorId, string[]>> = {
      'mariadb-10.11': ['7104c4a2b5349598', '7646ea2f7f036234', '6c68f9319715c431'],
      'mariadb-11.8': ['7104c4a2b5349598', '7646ea2f7f036234', '6c68f9319715c431'],
      'mysql-9.7': ['7dbabc8930a61dd4', '5efde601fbb15349', '7fbb13a9659de14b'],
    };
    for (const f of FLAVORS) {
      const c = corpusFor(f, 20261206, { cover: true, rows: 4 });
      const others = c.accounts.filter((a) => !a.kind.startsWith('auth-'));
      expect([digest(c.tables), digest(c.objects), digest(others)]).toEqual(before[f]);
      // and the grant mutation still targets one of the accounts it did
      expect(others.map((a) => `'${a.user}'@'${a.host}'`)).toContain(grantMutation(c)!.names);
    }
  });

  it('the authentication mutation changes the plugin of one such account and names it', () => {
    const maria = corpusFor('mariadb-10.11', 29, { cover: true, rows: 0 });
    const m = authMutation(maria)!;
    const ed = maria.accounts.find((a) => a.kind === 'auth-ed25519')!;
    expect(m.names).toBe(`'${ed.user}'@'${ed.host}'`);
    expect(m.sql).toEqual([expect.stringMatching(/^ALTER USER .* IDENTIFIED VIA mysql_native_password USING '\*[0-9A-F]{40}'$/)]);
    const my = corpusFor('mysql-9.7', 29, { cover: true, rows: 0 });
    expect(authMutation(my)!.sql[0]).toMatch(/^ALTER USER .* IDENTIFIED WITH sha256_password AS 0x243524/);
    const socketOnly = { ...my, accounts: my.accounts.filter((a) => a.kind === 'auth-socket') };
    expect(authMutation(socketOnly)!.sql[0]).toMatch(/IDENTIFIED WITH caching_sha2_password AS 0x/);
  });
});

describe('stored strings of throwaway texts, as the servers compute them', () => {
  it("SHA-256 crypt gives openssl's answer (`openssl passwd -5 -salt saltstring 'Hello world!'`), and another for another text", () => {
    expect(sha256CryptDigest(Buffer.from('Hello world!'), Buffer.from('saltstring'))).toBe('5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5');
    expect(sha256CryptDigest(Buffer.from('Hello world?'), Buffer.from('saltstring'))).not.toBe(
      '5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
    );
  });

  it('ed25519 gives what MariaDB 10.11 stored for the same text (USING PASSWORD), caching_sha2 what MySQL 9.7 logged in with', () => {
    // measured on the images, 2026-12-07: CREATE USER … IDENTIFIED VIA ed25519 USING PASSWORD('91de…a5f3') stored this
    expect(ed25519Stored('91de12e9369845c554874a6587b3a5f3')).toBe('d2BcH87NXbZCLe8CZePDw5wa41leBtAzj0TiOQFv6bg');
    expect(ed25519Stored('91de12e9369845c554874a6587b3a5f4')).not.toBe('d2BcH87NXbZCLe8CZePDw5wa41leBtAzj0TiOQFv6bg');
    // MariaDB 11.8.9: CREATE USER … IDENTIFIED VIA parsec USING PASSWORD('91de…a5f3') stored this (its salt drawn by the server)
    expect(parsecStoredWithSalt('91de12e9369845c554874a6587b3a5f3', Buffer.from('pEbH9OnFc3e+ChV1XLK37eNX', 'base64'))).toBe(
      'P0:pEbH9OnFc3e+ChV1XLK37eNX:M/QFO4hqBdTQdEBN/FNssF7KnlxyArYjYy7w6A2xk90',
    );
    // an account created AS this string logged in with the text (mysql client on the server's socket)
    expect(cachingSha2Stored('throwaway-probe-text-0123456789ab', 'c1')).toBe(
      '$A$005$FZ4KLRPBS5fypqXuG5LKQx33DlKNQJnOyOpiCbq/eZ1WbPxfzhHSyQmXJkLyIV4',
    );
    expect(sha256PasswordStored('throwaway-probe-text-0123456789ab', 's1')).toMatch(/^\$5\$[./0-9A-Za-z]{20}\$[./0-9A-Za-z]{43}$/);
  });
});
