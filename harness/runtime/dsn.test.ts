import { describe, expect, it } from 'vitest';
import { endpointLabel } from './connection.js';
import { databasesOf, parseDsn } from './dsn.js';
import { clientTlsOptions, sslOptions, verifyPeerIdentity } from './tls.js';

describe('parseDsn', () => {
  it('reads user, percent-encoded password, host and port', () => {
    const d = parseDsn('mysql://root:p%40ss%3Aw@10.0.0.5:3307');
    expect(d).toEqual({ user: 'root', password: 'p@ss:w', host: '10.0.0.5', port: 3307, tls: { mode: 'PREFERRED' } });
    expect(endpointLabel(d)).toBe('root@10.0.0.5:3307');
  });
  it('defaults the port to 3306', () => {
    expect(parseDsn('mysql://u:p@db').port).toBe(3306);
  });
  it.each([
    ['db:3306', /bad DSN/],
    ['postgres://u:p@h:1', /scheme must be mysql/],
    ['mysql://h:3306', /no user/],
    ['mysql://u:p@h:99999', /bad DSN/],
    ['mysql://u:p@h:3306/sakila/x', /the path names one database/],
    ['mysql://u:p@h:3306?sslmode=REQUIRED', /unknown option 'sslmode'/],
    ['mysql://u:p@h:3306?ssl-mode=ON', /ssl-mode must be one of/],
    ['mysql://u:p@h:3306?ssl-mode=REQUIRED&ssl-ca=/x.pem', /ssl-ca is only used to verify/],
    ['mysql://u:p@h:3306?ssl-mode=REQUIRED&ssl-mode=DISABLED', /given twice/],
  ])('refuses %s in one line without echoing the password', (text, re) => {
    let msg = '';
    try {
      parseDsn(text);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(re);
    expect(msg).not.toContain(':p@');
    expect(msg.includes('\n')).toBe(false);
  });

  it('reads the TLS options of the mysql client (ssl-mode, ssl-ca)', () => {
    expect(parseDsn('mysql://u:p@h?ssl-mode=disabled').tls).toEqual({ mode: 'DISABLED' });
    expect(parseDsn('mysql://u:p@h?ssl-mode=REQUIRED').tls).toEqual({ mode: 'REQUIRED' });
    expect(parseDsn('mysql://u:p@h?ssl-mode=VERIFY_CA&ssl-ca=/etc/ca.pem').tls).toEqual({ mode: 'VERIFY_CA', ca: '/etc/ca.pem' });
    expect(parseDsn('mysql://u:p@h?ssl-mode=VERIFY_IDENTITY').tls).toEqual({ mode: 'VERIFY_IDENTITY' });
  });
  it("maps each mode to the driver's TLS options; an unreadable CA file is a usage error", () => {
    expect(sslOptions(parseDsn('mysql://u:p@h?ssl-mode=DISABLED').tls, 'h')).toBeUndefined();
    expect(sslOptions(parseDsn('mysql://u:p@h?ssl-mode=REQUIRED').tls, 'h')).toEqual({ rejectUnauthorized: false });
    expect(sslOptions(parseDsn('mysql://u:p@h?ssl-mode=VERIFY_CA').tls, 'h')).toEqual({ rejectUnauthorized: true, verifyIdentity: false });
    expect(() => sslOptions(parseDsn('mysql://u:p@h?ssl-mode=VERIFY_CA&ssl-ca=/nonexistent/ca.pem').tls, 'h')).toThrow(
      /cannot read \/nonexistent\/ca.pem: ENOENT/,
    );
  });
  it('VERIFY_IDENTITY refuses a certificate that does not name the host', () => {
    const d = parseDsn('mysql://u:p@db.example.com?ssl-mode=VERIFY_IDENTITY');
    const cert = { subject: { CN: 'other.example.com' }, subjectaltname: 'DNS:other.example.com' } as never;
    expect(verifyPeerIdentity(d.tls, d.host, cert)?.message).toMatch(/does not match|not in the cert/);
    expect(
      verifyPeerIdentity(d.tls, d.host, { subject: { CN: 'db.example.com' }, subjectaltname: 'DNS:db.example.com' } as never),
    ).toBeUndefined();
    expect(verifyPeerIdentity(parseDsn('mysql://u:p@db.example.com?ssl-mode=VERIFY_CA').tls, 'db.example.com', cert)).toBeUndefined();
  });
});

describe('a DSN whose path names a database', () => {
  it('reads the database from the path (percent-decoded), as mysql2, JDBC and ORMs do', () => {
    expect(parseDsn('mysql://u:p@h:3306/shop').database).toBe('shop');
    expect(parseDsn('mysql://u:p@h:3306/my%20db?ssl-mode=REQUIRED')).toMatchObject({ database: 'my db', tls: { mode: 'REQUIRED' } });
    expect(parseDsn('mysql://u:p@h:3306/').database).toBeUndefined();
    expect(parseDsn('mysql://u:p@h:3306').database).toBeUndefined();
  });
  it('means --databases: the same one given twice is fine, different ones are refused in one line', () => {
    const shop = parseDsn('mysql://u:p@h/shop');
    const plain = parseDsn('mysql://u:p@h');
    expect(databasesOf(undefined, shop)).toEqual(['shop']);
    expect(databasesOf('shop', shop)).toEqual(['shop']);
    expect(databasesOf('a, b', plain)).toEqual(['a', 'b']);
    expect(databasesOf(undefined, plain)).toBeUndefined();
    expect(databasesOf(undefined, shop, plain)).toEqual(['shop']);
    expect(() => databasesOf('billing', shop)).toThrow(/path names database shop, --databases names billing/);
    expect(() => databasesOf('shop,billing', shop)).toThrow(/give one of them/);
    expect(() => databasesOf(undefined, shop, parseDsn('mysql://u:p@h2/billing'))).toThrow(/different databases \(shop, billing\)/);
  });
});

describe("the client programs' TLS options (the live copy's dump tool)", () => {
  it("gives MySQL's tools the mode as it is, and MariaDB's their equivalent, never weaker", () => {
    expect(clientTlsOptions('mysql', { mode: 'VERIFY_CA', ca: '/x/ca.pem' })).toEqual([
      'ssl-mode=VERIFY_CA',
      'ssl-ca=/etc/firedrill-ssl-ca/ca.pem',
    ]);
    expect(clientTlsOptions('mysql', { mode: 'DISABLED' })).toEqual(['ssl-mode=DISABLED']);
    expect(clientTlsOptions('mariadb', { mode: 'DISABLED' })).toEqual(['skip-ssl']);
    expect(clientTlsOptions('mariadb', { mode: 'REQUIRED' })).toContain('ssl');
    expect(clientTlsOptions('mariadb', { mode: 'VERIFY_CA', ca: '/x/ca.pem' })).toEqual([
      'ssl',
      'ssl-verify-server-cert',
      'ssl-ca=/etc/firedrill-ssl-ca/ca.pem',
    ]);
  });
});
