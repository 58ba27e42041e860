import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunContext, StartedNode } from '../../harness/runtime/index.js';
import { standaloneServers } from './fixture.js';
import { cli, leftovers } from './helpers.js';

let run: RunContext;
let a: StartedNode;
let b: StartedNode;
let env: Record<string, string>;
const dsn = (n: StartedNode) => `mysql://firedrill:\${FD_TEST_PW}@${n.address}:3306`;

beforeAll(async () => {
  const s = await standaloneServers(2);
  run = s.run;
  [a, b] = s.nodes as [StartedNode, StartedNode];
  env = { FD_TEST_PW: s.ctx.creds.adminPassword };
  for (const n of [a, b]) {
    await n.query({ sql: 'CREATE TABLE sakila.nopk (a INT, b VARCHAR(5))' });
    await n.query({ sql: "INSERT INTO sakila.nopk VALUES (1, 'x'), (1, 'x'), (2, 'y'), (NULL, 'z')" });
  }
});
afterAll(async () => {
  await run?.teardown();
  if (run) expect(await leftovers(run.runId)).toEqual([]);
});

const verify = (...extra: string[]) => cli(['verify', '--source', dsn(a), '--target', dsn(b), ...extra], { env });

describe('firedrill verify on two real servers', () => {
  it('exits 0 when the servers hold the same data and objects', async () => {
    const r = await verify();
    expect(r.stdout).toContain('equal:');
    expect(r.code).toBe(0);
  });

  it('exits 1 and names the table and primary key of one changed Sakila row', async () => {
    await b.query({ sql: "UPDATE sakila.actor SET last_name = 'CHANGED' WHERE actor_id = 42" });
    const r = await verify('--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      equal: boolean;
      checks: Array<{ name: string; valid: boolean; details: { differences: Array<Record<string, unknown>> } }>;
    };
    expect(out.equal).toBe(false);
    const data = out.checks.find((c) => c.name === 'data')!;
    expect(data.details.differences).toContainEqual({ database: 'sakila', object: 'actor', kind: 'row-differs', where: 'actor_id=42' });
    // CHECKSUM TABLE differs too, but a checksum is never itself a difference: the rows are.
    expect(data.details.differences.some((d) => d['kind'] === 'checksum-differs')).toBe(false);
    // nothing else is reported as different
    expect(new Set(data.details.differences.map((d) => d['object']))).toEqual(new Set(['actor']));
    await b.query({ sql: "UPDATE sakila.actor SET last_name = (SELECT 'x') WHERE actor_id = 42" });
  });

  it('names a missing duplicate row in a table without a primary key', async () => {
    await b.query({ sql: "UPDATE sakila.actor a JOIN (SELECT 1) x SET a.last_name = 'AKROYD' WHERE a.actor_id = 42" });
    await b.query({ sql: 'DELETE FROM sakila.nopk WHERE a = 1 LIMIT 1' });
    const r = await verify('--databases', 'sakila');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/sakila\.nopk: rows-differ-no-primary-key/);
    expect(r.stdout).toContain('"rowsOnlyOnSource":1');
    await b.query({ sql: "INSERT INTO sakila.nopk VALUES (1, 'x')" });
  });

  it('names a changed trigger and a dropped view', async () => {
    await b.query({ sql: 'DROP VIEW sakila.actor_info' });
    await b.query({ sql: 'DROP TRIGGER sakila.ins_film' });
    await b.query({
      sql: 'CREATE TRIGGER sakila.ins_film AFTER INSERT ON sakila.film FOR EACH ROW INSERT INTO sakila.film_text (film_id, title, description) VALUES (new.film_id, new.title, NULL)',
    });
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/sakila\.actor_info: view-missing/);
    expect(r.stdout).toMatch(/sakila\.ins_film: trigger-definition-differs/);
  });

  it('with --gtid names the differing GTID domain', async () => {
    const r = await verify('--gtid', '--databases', 'firedrill');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/gtid domain 0: gtid-differs/);
  });

  it('names an account present on one server only; --ignore-accounts leaves it out', async () => {
    await b.query({ sql: "CREATE USER 'monitor'@'%' IDENTIFIED BY 'm0n'" });
    const r = await verify('--databases', 'firedrill');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\*\.monitor@%: account-unexpected/);
    expect((await verify('--databases', 'firedrill', '--ignore-accounts', 'monitor')).code).toBe(0);
    await b.query({ sql: "DROP USER 'monitor'@'%'" });
  });

  it('exits 2 when --databases names a database that exists on neither server (never "equal" for what was not compared)', async () => {
    const r = await verify('--databases', 'sakila_typo');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such database on either server: sakila_typo/);
    expect(r.stdout).not.toContain('equal:');
  });

  it('honours ssl-mode: REQUIRED against a server without TLS exits 2, an unknown DSN option exits 2', async () => {
    const req = await cli(['verify', '--source', `${dsn(a)}?ssl-mode=REQUIRED`, '--target', dsn(b), '--databases', 'firedrill'], { env });
    expect(req.code).toBe(2);
    expect(req.stderr).toMatch(/cannot connect to firedrill@.* \(ssl-mode REQUIRED\)/);
    const typo = await cli(['verify', '--source', `${dsn(a)}?sslmode=REQUIRED`, '--target', dsn(b)], { env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown option 'sslmode'/);
    const off = await cli(
      ['verify', '--source', `${dsn(a)}?ssl-mode=DISABLED`, '--target', `${dsn(b)}?ssl-mode=PREFERRED`, '--databases', 'firedrill'],
      { env },
    );
    expect(off.code).toBe(0);
  });

  it('exits 2 with one line for a bad DSN or an unreachable server, never echoing the password', async () => {
    const bad = await cli(['verify', '--source', 'db:3306', '--target', dsn(b)], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const wrong = await cli(['verify', '--source', `mysql://firedrill:not-the-password@${a.address}:3306`, '--target', dsn(b)], { env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/cannot connect to firedrill@/);
    expect(wrong.stderr).not.toContain('not-the-password');
  });
});
