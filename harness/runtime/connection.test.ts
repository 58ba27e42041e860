import { afterEach, describe, expect, it } from 'vitest';
import { ConnectError, DeadlineError, firstWords, openConnection, redact } from './connection.js';
import { acceptSession, errPacket, fakeServer, frozenAfterLogin, greeting, loginOk } from './fake-server.test-fixture.js';

let server: { port: number; stop(): Promise<void> } | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const at = (port: number, password = 'pw', mode: 'DISABLED' | 'PREFERRED' | 'REQUIRED' = 'PREFERRED') => ({
  host: '127.0.0.1',
  port,
  user: 'u',
  password,
  tls: { mode },
});
const settle = <T>(p: Promise<T>) =>
  p.then(
    (v) => ({ ok: true as const, v, at: Date.now() }),
    (e: unknown) => ({ ok: false as const, e: e as Error, at: Date.now() }),
  );

describe('openConnection: deadlines', () => {
  it('a query queued behind a stuck one fails at its own deadline, naming its statement, the server and the time; the stuck one fails with it', async () => {
    server = await frozenAfterLogin();
    const c = await openConnection(at(server.port), { queryTimeoutMs: 60_000, deadlineName: '--timeout' });
    const t0 = Date.now();
    const stuck = settle(c.query({ sql: 'CHECKSUM TABLE shop.orders' }, { timeoutMs: 60_000 }));
    const queued = settle(c.query({ sql: 'SELECT   COUNT(*)\n FROM shop.orders' }, { timeoutMs: 300 }));
    const [q, s] = [await queued, await stuck];
    expect(q.ok).toBe(false);
    expect(q.at - t0).toBeLessThan(5_000);
    expect(q.ok ? undefined : q.e).toBeInstanceOf(DeadlineError);
    expect(q.ok ? '' : q.e.message).toBe(
      'u@127.0.0.1:' + server.port + ': no answer within 0.3 s (--timeout) to: SELECT COUNT(*) FROM shop.orders',
    );
    // The connection is destroyed: the query in front of it does not wait for its own 60 s.
    expect(s.ok).toBe(false);
    expect(s.at - t0).toBeLessThan(5_000);
    expect(s.ok ? '' : s.e.message).toMatch(
      /the connection went after [\d.]+ s waiting for: CHECKSUM TABLE shop\.orders \(.*no answer within 0\.3 s/,
    );
    expect(c.lost).toBe(true);
    await expect(c.query({ sql: 'SELECT 1' })).rejects.toThrow(/the connection went/);
  });

  it('a login that gets no answer fails within the login deadline', async () => {
    server = await fakeServer(() => {
      /* accepts TCP, never greets */
    });
    const t0 = Date.now();
    await expect(openConnection(at(server.port), { queryTimeoutMs: 500 })).rejects.toThrow(
      /cannot connect to u@127\.0\.0\.1:\d+ .*ETIMEDOUT|no answer to the login/,
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('a server that answers the login and never the session set-up fails the connection at its deadline, naming the statement', async () => {
    server = await fakeServer((s) => {
      s.write(greeting());
      s.once('data', () => s.write(loginOk()));
    });
    const t0 = Date.now();
    const err = (await openConnection(at(server.port), { queryTimeoutMs: 300 }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(DeadlineError);
    expect(err.message).toMatch(/u@127\.0\.0\.1:\d+: no answer within 0\.3 s .*to: SET SESSION sql_mode/);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('closing a connection whose server froze returns within its deadline', async () => {
    server = await frozenAfterLogin();
    const c = await openConnection(at(server.port), { queryTimeoutMs: 60_000 });
    void c.query({ sql: 'SELECT SLEEP(100)' }).catch(() => undefined);
    const t0 = Date.now();
    await c.close(300);
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(c.lost).toBe(true);
  });
});

describe('openConnection: TLS modes against a server that offers no TLS', () => {
  it('REQUIRED is refused; PREFERRED falls back to plaintext, as the mysql client does', async () => {
    server = await fakeServer((s) => {
      s.write(greeting());
      acceptSession(s);
    });
    const err = await openConnection(at(server.port, 'pw', 'REQUIRED'), { queryTimeoutMs: 2000 }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toMatch(
      /cannot connect to u@127\.0\.0\.1:\d+ \(ssl-mode REQUIRED\): Server does not support secure connection/,
    );
    const c = await openConnection(at(server.port, 'pw', 'PREFERRED'), { queryTimeoutMs: 2000 });
    expect(c.lost).toBe(false);
    await c.close();
  });
});

describe('redaction', () => {
  it('takes the password, plain and percent-encoded, out of a text', () => {
    expect(redact("denied for 'p@ss:w/rd' and p%40ss%3Aw%2Frd", 'p@ss:w/rd')).toBe("denied for '***' and ***");
    expect(redact('nothing to hide', '')).toBe('nothing to hide');
  });

  it("no message of a refused login or a failed query carries the connection's password", async () => {
    const pw = 'S3cret-pw!';
    server = await fakeServer((s) => {
      s.write(greeting());
      s.once('data', () => s.write(errPacket(2, 1045, `Access denied (password ${pw})`)));
    });
    const refused = (await openConnection(at(server.port, pw), { queryTimeoutMs: 2000 }).catch((e: unknown) => e)) as Error;
    expect(refused.message).toMatch(/cannot connect to .*Access denied \(password \*\*\*\)/);
    expect(refused.message).not.toContain(pw);
    await server.stop();
    server = await fakeServer((s) => {
      s.write(greeting());
      acceptSession(s, () => s.write(errPacket(1, 1064, `syntax error near '${pw}'`)));
    });
    const c = await openConnection(at(server.port, pw), { queryTimeoutMs: 2000 });
    const failed = (await c.query({ sql: `SET PASSWORD = '${pw}'` }).catch((e: unknown) => e)) as Error & { sql?: string };
    expect(failed.message).toMatch(/syntax error near '\*\*\*'/);
    expect(failed.sql).not.toContain(pw);
    await c.close();
  });
});

describe('firstWords', () => {
  it('names a statement by its first words, on one line', () => {
    expect(firstWords('SELECT a,\n   b FROM t')).toBe('SELECT a, b FROM t');
    expect(firstWords('x'.repeat(100), 10)).toBe('xxxxxxxxxx…');
  });
});
