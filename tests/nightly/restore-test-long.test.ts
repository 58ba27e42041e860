import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NodeDefinition,
  openTopologyContext,
  replicaStates,
  RunContext,
  startTopology,
  waitCaughtUp,
  type StartedNode,
} from '../../harness/runtime/index.js';
import { cli, leftovers, quiet, restoreTestCli } from '../docker/helpers.js';

/**
 * The longer restore-test cases, on backups made by hand outside firedrill: an mbstream file, an incremental
 * mariabackup chain (as a folder, and as --incremental in any order), and the team's own binlog archive replayed
 * onto the restored chain up to a GTID. Each state is recorded with `firedrill snapshot` at the point it describes.
 */
interface Result {
  runId: string;
  checks: Array<{ name: string; valid: boolean; details: Record<string, unknown> }>;
  observations: Record<string, unknown>;
}

let run: RunContext;
let db: StartedNode;
let dir: string;
let env: Record<string, string>;
let target = '';

const restoreTest = (...args: string[]) => restoreTestCli<Result>(['--flavor', 'mariadb-10.11', ...args], env);
const failed = (r?: Result) => r?.checks.filter((c) => !c.valid).map((c) => c.name) ?? [];
const sql = async (...statements: string[]) => {
  for (const s of statements) await db.query({ sql: s });
};
const snapshot = async (name: string) => {
  const r = await cli(['snapshot', '--source', `mysql://firedrill:\${FD_TEST_PW}@${db.address}:3306`, '--out', join(dir, name)], { env });
  expect(r.code, r.stderr).toBe(0);
};
const backup = (...args: string[]) => db.container.exec(['mariadb-backup', '--backup', '--user=root', ...args]);

beforeAll(async () => {
  run = new RunContext();
  const ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  db = await new NodeDefinition(ctx, { name: 'team-db', server: { serverId: 1 } }).start();
  env = { FD_TEST_PW: ctx.creds.adminPassword };
  dir = await mkdtemp(join(tmpdir(), 'fd-rt-long-'));
  await sql(
    'CREATE DATABASE app',
    'CREATE TABLE app.t (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(20))',
    "INSERT INTO app.t (v) SELECT CONCAT('v', seq) FROM app.seq_1_to_3000",
  );
  await snapshot('state-full.json');
  await db.container.exec(['mkdir', '-p', '/tmp/chain']);
  await backup('--target-dir=/tmp/chain/full');
  await db.container.exec(['sh', '-c', 'mariadb-backup --backup --user=root --stream=xbstream > /tmp/full.xb']);
  await sql("INSERT INTO app.t (v) VALUES ('inc1')");
  await backup('--target-dir=/tmp/chain/inc1', '--incremental-basedir=/tmp/chain/full');
  await sql("INSERT INTO app.t (v) VALUES ('inc2')", 'DELETE FROM app.t WHERE id = 7');
  await backup('--target-dir=/tmp/chain/inc2', '--incremental-basedir=/tmp/chain/inc1');
  await snapshot('state-chain.json');
  await sql("INSERT INTO app.t (v) VALUES ('after-1')", "UPDATE app.t SET v = 'changed' WHERE id = 8");
  target = String((await db.query<{ g: string }>({ sql: 'SELECT @@gtid_binlog_pos AS g' }))[0]!.g);
  await snapshot('state-target.json');
  await sql("INSERT INTO app.t (v) VALUES ('too-late')", 'FLUSH BINARY LOGS', "INSERT INTO app.t (v) VALUES ('later')");
  await db.container.copyOut('/tmp/chain', join(dir, 'chain'));
  await db.container.copyOut('/tmp/full.xb', join(dir, 'full.xb'));
  await mkdir(join(dir, 'binlogs'));
  const files = (await db.container.exec(['sh', '-c', 'ls /var/lib/mysql/mysql-bin.0*'])).stdout.split('\n').filter(Boolean);
  for (const f of files) await db.container.copyOut(f, join(dir, 'binlogs', f.split('/').pop()!));
}, 15 * 60_000);

afterAll(async () => {
  await run?.teardown();
  if (run) expect(await leftovers(run.runId)).toEqual([]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('restore-test, long cases (MariaDB 10.11)', () => {
  it('an mbstream file is extracted, prepared and equals its state', async () => {
    const r = await restoreTest('--artifact', join(dir, 'full.xb'), '--expect', join(dir, 'state-full.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(failed(r.result)).toEqual([]);
    expect((r.result!.observations['artifact'] as { version: string }).version).toMatch(/^10\.11\./);
  });

  it('a folder holding a full backup and two incrementals is applied in order and equals the state after the last one', async () => {
    const r = await restoreTest('--artifact', join(dir, 'chain'), '--expect', join(dir, 'state-chain.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(failed(r.result)).toEqual([]);
    // the full backup alone is not that state: the chain's increments are what the check proves
    const fullOnly = await restoreTest('--artifact', join(dir, 'chain', 'full'), '--expect', join(dir, 'state-chain.json'));
    expect(fullOnly.code).toBe(1);
    expect(failed(fullOnly.result)).toEqual(expect.arrayContaining(['state-data', 'state-gtid']));
  });

  it('the binlog archive replays onto the chain up to a GTID, and the result equals the state at that GTID', async () => {
    const r = await restoreTest(
      '--artifact',
      join(dir, 'chain', 'full'),
      '--incremental',
      join(dir, 'chain', 'inc2'),
      '--incremental',
      join(dir, 'chain', 'inc1'),
      '--binlogs',
      join(dir, 'binlogs'),
      '--until',
      target,
      '--expect',
      join(dir, 'state-target.json'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(failed(r.result)).toEqual([]);
    expect(r.result!.observations['binlogReplay']).toMatchObject({ transactionsApplied: 2, lastApplied: target });
    // a GTID the archive does not hold: the archive cannot bring the backup there (a bad backup set)
    const gap = await restoreTest('--artifact', join(dir, 'chain'), '--binlogs', join(dir, 'binlogs'), '--until', '0-1-999');
    expect(gap.code).toBe(1);
    expect(JSON.stringify(gap.result!.checks)).toMatch(/no such transaction after the backup point/);
  });
});

describe("snapshot --hold-replica: the seed's protocol on a replica under writes", () => {
  let hrun: RunContext;
  let hdir: string;
  afterAll(async () => {
    await hrun?.teardown();
    if (hrun) expect(await leftovers(hrun.runId)).toEqual([]);
    if (hdir) await rm(hdir, { recursive: true, force: true });
  });

  it('holds the SQL thread, runs the backup while held, starts it again; the backup equals the state, GTID included', async () => {
    hrun = new RunContext();
    const hctx = await openTopologyContext(hrun, 'mariadb-10.11', quiet);
    const topo = await startTopology(hctx, { kind: 'primary-replicas', replicas: [{ name: 'backup-replica' }] });
    const [primary, replica] = [topo.primary, topo.replicas[0]!];
    hdir = await mkdtemp(join(tmpdir(), 'fd-rt-hold-'));
    await primary.query({ sql: 'CREATE DATABASE app' });
    await primary.query({ sql: 'CREATE TABLE app.w (id INT PRIMARY KEY AUTO_INCREMENT, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))' });
    await waitCaughtUp(replica, primary, 60);
    // the primary keeps writing for the whole snapshot and backup
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      while (writing) {
        await primary.query({ sql: 'INSERT INTO app.w () VALUES ()' });
        writes++;
      }
    })();
    try {
      const r = await cli(
        [
          'snapshot',
          '--source',
          `mysql://firedrill:\${FD_PW}@${replica.address}:3306`,
          '--out',
          join(hdir, 'state.json'),
          '--hold-replica',
          '--',
          'docker',
          'exec',
          replica.container.name,
          'mariadb-backup',
          '--backup',
          '--user=root',
          '--slave-info',
          '--target-dir=/tmp/held',
        ],
        { env: { FD_PW: hctx.creds.adminPassword } },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/SQL thread\(s\) held at 0-1-\d+/);
      expect(r.stderr).toMatch(/SQL thread\(s\) started again/);
    } finally {
      writing = false;
      await writer;
    }
    expect(writes).toBeGreaterThan(0);
    const st = (await replicaStates(replica))[0]!;
    expect([st.ioRunning, st.sqlRunning]).toEqual(['Yes', 'Yes']);
    await replica.container.copyOut('/tmp/held', join(hdir, 'held'));
    const t = await cli([
      'restore-test',
      '--json',
      '--flavor',
      'mariadb-10.11',
      '--artifact',
      join(hdir, 'held'),
      '--expect',
      join(hdir, 'state.json'),
    ]);
    expect(t.code, t.stderr).toBe(0);
    const res = JSON.parse(t.stdout) as Result;
    expect(failed(res)).toEqual([]);
    const gtid = res.checks.find((c) => c.name === 'state-gtid')!.details;
    expect((gtid['recorded'] as { replicaPos: string }).replicaPos).toBe(gtid['backup']);
  });
});

describe("--server-config: a backup with encrypted tables needs the source's key management settings", () => {
  let erun: RunContext;
  let edir: string;
  afterAll(async () => {
    await erun?.teardown();
    if (erun) expect(await leftovers(erun.runId)).toEqual([]);
    if (edir) await rm(edir, { recursive: true, force: true });
  });

  it('without them: exit 2 naming the settings; with them: it restores and checks clean', async () => {
    edir = await mkdtemp(join(tmpdir(), 'fd-rt-enc-'));
    await mkdir(join(edir, 'conf'));
    await writeFile(join(edir, 'conf', 'keys.txt'), `1;${randomBytes(32).toString('hex')}\n`, { mode: 0o644 });
    const keyOptions = [
      '--plugin-load-add=file_key_management',
      `--file-key-management-filename=${join(edir, 'conf', 'keys.txt')}`,
      '--innodb-encrypt-tables=ON',
    ];
    await writeFile(join(edir, 'conf', 'my.cnf'), `[mysqld]\n${keyOptions.map((o) => o.slice(2)).join('\n')}\ndatadir=/srv/mysql\n`);
    erun = new RunContext();
    const ectx = await openTopologyContext(erun, 'mariadb-10.11', quiet);
    const enc = await new NodeDefinition(ectx, {
      name: 'encrypted-db',
      server: { serverId: 1, extra: keyOptions },
      mounts: [{ source: join(edir, 'conf'), target: join(edir, 'conf'), readOnly: true }],
    }).start();
    await enc.query({ sql: 'CREATE DATABASE app' });
    await enc.query({ sql: 'CREATE TABLE app.secret (id INT PRIMARY KEY, v VARCHAR(20)) ENCRYPTED=YES' });
    await enc.query({ sql: "INSERT INTO app.secret VALUES (1, 'classified')" });
    await enc.container.exec(['mariadb-backup', '--backup', '--user=root', '--target-dir=/tmp/encrypted']);
    await enc.container.copyOut('/tmp/encrypted', join(edir, 'full'));
    const without = await cli(['restore-test', '--flavor', 'mariadb-10.11', '--artifact', join(edir, 'full')]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(
      /needs the source's key management \(the backup holds encrypted tables.*file_key_management.*--server-config/,
    );
    const withCfg = await cli([
      'restore-test',
      '--json',
      '--flavor',
      'mariadb-10.11',
      '--artifact',
      join(edir, 'full'),
      '--server-config',
      join(edir, 'conf', 'my.cnf'),
    ]);
    expect(withCfg.code, withCfg.stderr).toBe(0);
    const r = JSON.parse(withCfg.stdout) as Result & {
      observations: { serverConfig: { overridden: Array<{ option: string }> }; inventory: { rows: Record<string, number> } };
    };
    expect(r.observations.serverConfig.overridden.map((o) => o.option)).toEqual(['datadir']);
    expect(r.observations.inventory.rows['app.secret']).toBe(1);
    expect(await leftovers(r.runId)).toEqual([]);
  });
});
