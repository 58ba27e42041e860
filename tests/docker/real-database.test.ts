import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDefinition, openTopologyContext, projectRoot, RunContext, type StartedNode } from '../../harness/runtime/index.js';
import { cli, leftovers, quiet, restoreTestCli } from './helpers.js';

/**
 * Issue 19's first run of a DBA: a healthy production-like server (fixtures/datasets/storefront: events, definers of
 * host-name and missing users, a case-only name clash, host-name accounts) backed up by the team's own tools, then
 * restore-tested against the state firedrill recorded before the backups. Good backups pass (exit 0) although the
 * restore server runs with skip-name-resolve; one changed grant or row after the state was recorded is named (exit 1).
 */
interface Result {
  runId: string;
  checks: Array<{ name: string; valid: boolean; details: Record<string, unknown> }>;
}

let run: RunContext;
let team: StartedNode;
let dir: string;
let env: Record<string, string>;

const restoreTest = (...args: string[]) => restoreTestCli<Result>(['--flavor', 'mariadb-10.11', ...args], env);
const check = (r: Result | undefined, name: string) => r?.checks.find((c) => c.name === name);
const failed = (r?: Result) => r?.checks.filter((c) => !c.valid).map((c) => c.name) ?? [];
const sh = (cmd: string) => team.container.exec(['sh', '-c', cmd], { timeoutMs: 120_000 });

beforeAll(async () => {
  run = new RunContext();
  const ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  team = await new NodeDefinition(ctx, { name: 'team-db', server: { serverId: 7 } }).start();
  env = { FD_TEST_PW: ctx.creds.adminPassword };
  dir = await mkdtemp(join(tmpdir(), 'fd-real-db-'));
  await team.container.putFile('/tmp/storefront.sql', await readFile(join(projectRoot, 'fixtures/datasets/storefront/storefront.sql')));
  await sh('mariadb -uroot < /tmp/storefront.sql');
  const dsn = `mysql://firedrill:\${FD_TEST_PW}@${team.address}:3306`;
  const snap = await cli(['snapshot', '--source', dsn, '--databases', 'storefront', '--out', join(dir, 'state.json')], { env });
  expect(snap.code, snap.stderr).toBe(0);
  // The team's nightly job: a physical backup, and the whole-server dump MariaDB documents for moving accounts.
  await sh('mariadb-backup --backup --user=root --target-dir=/tmp/full 2>/dev/null');
  await sh(
    'mariadb-dump -uroot --all-databases --system=users --routines --events --triggers --single-transaction --gtid --master-data=2 > /tmp/whole.sql',
  );
  for (const f of ['full', 'whole.sql']) await team.container.copyOut(`/tmp/${f}`, join(dir, f));
}, 10 * 60_000);

afterAll(async () => {
  await run?.teardown();
  if (run) expect(await leftovers(run.runId)).toEqual([]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('restore-test of a healthy production-like server (MariaDB 10.11)', () => {
  it('a mariadb-backup equals the state; the host-name accounts the restore server ignores are compared as stored', async () => {
    const r = await restoreTest('--artifact', join(dir, 'full'), '--expect', join(dir, 'state.json'));
    expect(r.code, `${r.stderr}\n${JSON.stringify(failed(r.result))}`).toBe(0);
    const accounts = check(r.result, 'state-accounts')!;
    expect(accounts.valid).toBe(true);
    expect(accounts.details['explained']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ object: "'app'@'web1.example.com'", rule: 'host-name-account-under-skip-name-resolve' }),
        expect.objectContaining({ object: "'batch'@'jobs.example.com'", rule: 'host-name-account-under-skip-name-resolve' }),
      ]),
    );
  });

  it('the whole-server dump (--all-databases --system=users) loads despite the fresh server own accounts, and equals the state', async () => {
    const r = await restoreTest('--artifact', join(dir, 'whole.sql'), '--expect', join(dir, 'state.json'));
    expect(r.code, `${r.stderr}\n${JSON.stringify(r.result?.checks.filter((c) => !c.valid))}`).toBe(0);
    expect(check(r.result, 'state-accounts')!.valid).toBe(true);
    expect(check(r.result, 'state-objects')!.valid).toBe(true);
  });

  it('one grant of a host-name account and one row changed after the state was recorded: exit 1, each named', async () => {
    await team.query({ sql: "GRANT CREATE ON storefront.* TO 'app'@'web1.example.com'" });
    await team.query({ sql: 'UPDATE storefront.Orders SET total = 0 WHERE id = 3' });
    await sh('rm -rf /tmp/later && mariadb-backup --backup --user=root --target-dir=/tmp/later 2>/dev/null');
    await team.container.copyOut('/tmp/later', join(dir, 'later'));
    const r = await restoreTest('--artifact', join(dir, 'later'), '--expect', join(dir, 'state.json'));
    expect(r.code).toBe(1);
    expect(failed(r.result)).toEqual(expect.arrayContaining(['state-accounts', 'state-data']));
    expect(check(r.result, 'state-accounts')!.details['differences']).toEqual([
      expect.objectContaining({ object: "'app'@'web1.example.com'", kind: 'account-differs-as-stored' }),
    ]);
    expect(check(r.result, 'state-data')!.details['differences']).toEqual([
      expect.objectContaining({ database: 'storefront', object: 'Orders', kind: 'chunk-differs' }),
    ]);
  });
});
