import { describe, expect, it } from 'vitest';
import type { Statement } from '../sql/index.js';
import type { Queryable } from './check.js';
import { hostIsName, storedAccount } from './stored-accounts.js';

describe('which hosts are names (ignored under skip_name_resolve)', () => {
  it('names are names; IP addresses, masks, wildcards, localhost and roles are not', () => {
    for (const h of ['web1.example.com', '%.example.com', 'db-7', 'JOBS.EXAMPLE.COM']) expect(hostIsName(h)).toBe(true);
    for (const h of ['', '%', 'localhost', '10.0.5.%', '10.0.0.0/255.255.255.0', '192.168.1.7', '::1', 'fe80::1%eth0', '2001:db8::/32'])
      expect(hostIsName(h)).toBe(false);
  });
});

/** A server whose grant tables hold the given rows (keyed by table), answering as mysql2 would. */
function tables(rows: Record<string, Record<string, unknown>[]>): Queryable {
  return {
    name: 'fake',
    async query<T>(s: Statement): Promise<T[]> {
      if (/information_schema\.TABLES/.test(s.sql)) return Object.keys(rows).map((name) => ({ name })) as T[];
      const t = /FROM mysql\.`(\w+)`/.exec(s.sql)?.[1] ?? '';
      return (rows[t] ?? []).filter((r) => Object.values(r).includes(s.values?.[0]) && Object.values(r).includes(s.values?.[1])) as T[];
    },
  };
}

const priv = (o: object) => JSON.stringify(o);

describe('an account as the grant tables store it', () => {
  const base = {
    global_priv: [
      {
        Host: 'web1.example.com',
        User: 'app',
        Priv: priv({
          access: 0,
          version_id: 101119,
          plugin: 'mysql_native_password',
          authentication_string: '*2B60',
          password_last_changed: 1,
        }),
      },
    ],
    tables_priv: [
      {
        Host: 'web1.example.com',
        Db: 'shop',
        User: 'app',
        Table_name: 'Orders',
        Grantor: 'root@localhost',
        Timestamp: new Date(0),
        Table_priv: 'Select',
      },
    ],
  };
  it('is the same after a reload that only changed when and by whom it was granted (Timestamp, Grantor, password_last_changed)', async () => {
    const reloaded = {
      global_priv: [
        {
          Host: 'web1.example.com',
          User: 'app',
          Priv: priv({
            password_last_changed: 99,
            authentication_string: '*2B60',
            plugin: 'mysql_native_password',
            access: 0,
            version_id: 110809,
          }),
        },
      ],
      tables_priv: [{ ...base.tables_priv[0]!, Grantor: 'firedrill@%', Timestamp: new Date(5_000) }],
    };
    const a = await storedAccount(tables(base), 'app', 'web1.example.com');
    expect(a).toBe(await storedAccount(tables(reloaded), 'app', 'web1.example.com'));
    expect(a).not.toContain('*2B60'); // the hash itself is never kept
    expect(a).toMatch(/<auth sha256:[0-9a-f]{16}>/);
  });
  it('differs when a grant, the authentication or the lock changes (no blind spot)', async () => {
    const a = await storedAccount(tables(base), 'app', 'web1.example.com');
    const grant = { ...base, tables_priv: [{ ...base.tables_priv[0]!, Table_priv: 'Select,Insert' }] };
    const auth = {
      ...base,
      global_priv: [
        { ...base.global_priv[0]!, Priv: priv({ access: 0, plugin: 'mysql_native_password', authentication_string: '*FFFF' }) },
      ],
    };
    const lock = {
      ...base,
      global_priv: [
        {
          ...base.global_priv[0]!,
          Priv: priv({ access: 0, plugin: 'mysql_native_password', authentication_string: '*2B60', account_locked: true }),
        },
      ],
    };
    for (const changed of [grant, auth, lock]) expect(await storedAccount(tables(changed), 'app', 'web1.example.com')).not.toBe(a);
    expect(await storedAccount(tables(base), 'app', 'web2.example.com')).toBe('');
  });
});
