import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runCommand } from '../../harness/exec/index.js';
import { NodeDefinition, openTopologyContext, RunContext, type StartedNode, type TopologyContext } from '../../harness/runtime/index.js';
import { cli, leftovers, quiet, restoreTestCli, type RestoreTestResult } from './helpers.js';

/**
 * restore-test of a mydumper folder made OUTSIDE firedrill: Debian's mydumper run from this machine against a
 * throwaway MariaDB 10.11 server, as a team's backup job would, after `firedrill snapshot` recorded the state. The
 * database holds what myloader cannot carry (an INET6 column, a system-versioned table, a trigger, a routine): the
 * test says so before the restore and judges the rest.
 */
let run: RunContext;
let ctx: TopologyContext;
let db: StartedNode;
let dir: string;
let env: Record<string, string>;

const mydumper = (out: string) =>
  runCommand(
    [
      'mydumper',
      `--host=${db.sqlEndpoint.host}`,
      `--port=${db.sqlEndpoint.port}`,
      `--user=${ctx.creds.admin}`,
      `--outputdir=${out}`,
      '--triggers',
      '--events',
      '--routines',
      '--threads=2',
    ],
    { env: { MYSQL_PWD: ctx.creds.adminPassword }, timeoutMs: 120_000 },
  );
const restoreTest = (...args: string[]) => restoreTestCli<RestoreTestResult>(['--flavor', 'mariadb-10.11', ...args], env);
const failed = (r?: RestoreTestResult) => r?.checks.filter((c) => !c.valid).map((c) => c.name) ?? [];

beforeAll(async () => {
  run = new RunContext();
  ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  db = await new NodeDefinition(ctx, { name: 'team-db', server: { serverId: 1 } }).start();
  env = { FD_TEST_PW: ctx.creds.adminPassword };
  dir = await mkdtemp(join(tmpdir(), 'fd-rt-mydumper-'));
  for (const sql of [
    'CREATE DATABASE app',
    'CREATE TABLE app.orders (id INT PRIMARY KEY AUTO_INCREMENT, customer VARCHAR(40), amount DECIMAL(10,2))',
    "INSERT INTO app.orders (customer, amount) SELECT CONCAT('c', seq), seq * 1.25 FROM app.seq_1_to_2000",
    'CREATE TABLE app.tags (name VARCHAR(10), n INT) ENGINE=MyISAM',
    "INSERT INTO app.tags VALUES ('a', 1), ('a', 1), ('b', NULL)",
    'CREATE TABLE app.hosts (id INT PRIMARY KEY, addr INET6)',
    "INSERT INTO app.hosts VALUES (1, '::1'), (2, '2001:db8::7')",
    'CREATE TABLE app.prices (id INT PRIMARY KEY, price INT) WITH SYSTEM VERSIONING',
    'INSERT INTO app.prices VALUES (1, 10)',
    'UPDATE app.prices SET price = 12 WHERE id = 1',
    'CREATE VIEW app.big_orders AS SELECT id, amount FROM app.orders WHERE amount > 1000',
    'CREATE TRIGGER app.upper_customer BEFORE INSERT ON app.orders FOR EACH ROW SET NEW.customer = UPPER(NEW.customer)',
    'CREATE PROCEDURE app.total() SELECT SUM(amount) FROM app.orders',
    "CREATE USER 'reporting'@'10.%' IDENTIFIED BY 'not-stored-anywhere'",
    "GRANT SELECT ON app.* TO 'reporting'@'10.%'",
  ])
    await db.query({ sql });
  const { host, port } = db.sqlEndpoint;
  const snap = await cli(
    ['snapshot', '--source', `mysql://${ctx.creds.admin}:\${FD_TEST_PW}@${host}:${port}`, '--out', join(dir, 'state.json')],
    {
      env,
    },
  );
  expect(snap.code, snap.stderr).toBe(0);
  await mydumper(join(dir, 'full'));
}, 5 * 60_000);

afterAll(async () => {
  await run?.teardown();
  if (run) expect(await leftovers(run.runId)).toEqual([]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('restore-test of a mydumper folder (MariaDB 10.11, myloader from this machine)', () => {
  it('a whole-server folder restores and equals the state (exit 0): accounts compared, what myloader cannot carry named before the restore', async () => {
    const r = await restoreTest('--artifact', join(dir, 'full'), '--expect', join(dir, 'state.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.result!.observations['artifact']).toMatchObject({
      kind: 'mydumper',
      family: 'mariadb',
      gtid: expect.stringMatching(/^0-1-\d+$/),
    });
    expect(failed(r.result)).toEqual([]);
    // the grant tables came back as rows and were read: the team's account is compared, not declared missing
    expect(r.result!.checks.find((c) => c.name === 'state-accounts')).toMatchObject({ valid: true, details: { differenceCount: 0 } });
    expect(r.result!.checks.find((c) => c.name === 'state-accounts')).not.toHaveProperty('status');
    expect(r.result!.checks.find((c) => c.name === 'state-gtid')!.valid).toBe(true);
    // said before anything started, and in the report as a check that is not applicable (never a pass)
    const before = r.stderr.slice(0, r.stderr.indexOf('phase start'));
    expect(before).toMatch(/limit of the method: myloader 0\.10\.1 loads a MariaDB INET6.*: app\.hosts \(InnoDB\)/);
    expect(before).toMatch(/limit of the method: .*history.*: app\.prices \(InnoDB\)/);
    expect(before).toMatch(/limit of the method: myloader 0\.10\.1 re-creates .*PROCEDURE app\.total, TRIGGER app\.upper_customer/);
    expect(r.result!.checks.find((c) => c.name === 'limits-of-the-method')).toMatchObject({
      status: 'not-applicable',
      reason: expect.stringContaining('app.hosts'),
    });
    const data = r.result!.checks.find((c) => c.name === 'state-data')!;
    expect(data.details['notCarried']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ table: 'app.hosts', what: 'rows' }),
        expect.objectContaining({ table: 'app.prices', what: 'history' }),
      ]),
    );
  });

  it('a folder whose dump never finished, and a folder of a server whose row changed after the state was recorded, are bad backups (exit 1) naming why', async () => {
    await cp(join(dir, 'full'), join(dir, 'unfinished'), { recursive: true });
    const metadata = await readFile(join(dir, 'unfinished', 'metadata'), 'utf8');
    await writeFile(join(dir, 'unfinished', 'metadata'), metadata.replace(/^Finished dump at:.*$/m, ''));
    const cut = await restoreTest('--artifact', join(dir, 'unfinished'));
    expect(cut.code, cut.stderr).toBe(1);
    expect(failed(cut.result)).toEqual(['backup-complete']);
    expect(JSON.stringify(cut.result!.checks)).toContain('Finished dump at');

    await db.query({ sql: 'UPDATE app.orders SET amount = 0 WHERE id = 1234' });
    await mydumper(join(dir, 'changed'));
    const r = await restoreTest('--artifact', join(dir, 'changed'), '--expect', join(dir, 'state.json'));
    expect(r.code, r.stderr).toBe(1);
    expect(failed(r.result)).toContain('state-data');
    const diffs = r.result!.checks.find((c) => c.name === 'state-data')!.details['differences'] as Array<{
      object: string;
      where?: string;
    }>;
    expect(diffs.map((d) => d.object)).toEqual(['orders']);
    expect(diffs[0]!.where).toBe('id in (1000, 2000]'); // the chunk holding row 1234
  });
});
