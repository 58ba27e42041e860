import { describe, expect, it } from 'vitest';
import { dsnLabel, parseDsn } from './dsn.js';

describe('parseDsn', () => {
  it('reads user, percent-encoded password, host and port', () => {
    const d = parseDsn('mysql://root:p%40ss%3Aw@10.0.0.5:3307');
    expect(d).toEqual({ user: 'root', password: 'p@ss:w', host: '10.0.0.5', port: 3307 });
    expect(dsnLabel(d)).toBe('root@10.0.0.5:3307');
  });
  it('defaults the port to 3306', () => { expect(parseDsn('mysql://u:p@db').port).toBe(3306); });
  it.each([
    ['db:3306', /bad DSN/],
    ['postgres://u:p@h:1', /scheme must be mysql/],
    ['mysql://h:3306', /no user/],
    ['mysql://u:p@h:99999', /bad DSN/],
    ['mysql://u:p@h:3306/sakila', /no database path/],
  ])('refuses %s in one line without echoing the password', (text, re) => {
    let msg = '';
    try { parseDsn(text); } catch (e) { msg = (e as Error).message; }
    expect(msg).toMatch(re);
    expect(msg).not.toContain(':p@');
    expect(msg.includes('\n')).toBe(false);
  });
});
