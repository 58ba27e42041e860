import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FS_SNAPSHOT, openStore, packArtifact } from '../../harness/backup/index.js';
import { NodeDefinition, openTopologyContext, RunContext, type StartedNode, type TopologyContext } from '../../harness/runtime/index.js';
import { waitUntil } from '../../harness/exec/index.js';
import { cli, filesHolding, leftovers, passwordsInContainers, quiet, restoreTestCli, type RestoreTestResult } from './helpers.js';
import { reportsDir } from '../../harness/runtime/paths.js';

/**
 * restore-test on backups made OUTSIDE firedrill: a throwaway server started with the harness runtime, then
 * mariadb-backup, mariadb-dump and MySQL's CLONE run by hand in its container, as a team's own backup job would, and
 * copied out. The state is recorded with `firedrill snapshot` before each backup.
 */
type Result = RestoreTestResult;

let run: RunContext;
let ctx: TopologyContext;
let maria: StartedNode;
let dir: string;
let env: Record<string, string>;
const dsn = (n: StartedNode) => `mysql://firedrill:\${FD_TEST_PW}@${n.address}:3306`;

const restoreTest = (...args: string[]) => restoreTestEnv({}, ...args);
function restoreTestEnv(extra: Record<string, string>, ...args: string[]) {
  return restoreTestCli<Result>(args, { ...env, ...extra });
}
const failed = (r?: Result) => r?.checks.filter((c) => !c.valid).map((c) => c.name) ?? [];

/** A small application database: a keyed table, a table without a key, a view, a trigger, a routine, an account. */
async function appSchema(n: StartedNode): Promise<void> {
  for (const sql of [
    'CREATE DATABASE app',
    'CREATE TABLE app.orders (id INT PRIMARY KEY AUTO_INCREMENT, customer VARCHAR(40), amount DECIMAL(10,2), note TEXT)',
    "INSERT INTO app.orders (customer, amount, note) SELECT CONCAT('c', seq), seq * 1.25, IF(seq % 7 = 0, NULL, REPEAT('x', seq % 50)) FROM app.seq_1_to_2500",
    'CREATE TABLE app.events (kind VARCHAR(10), n INT)',
    "INSERT INTO app.events VALUES ('a', 1), ('a', 1), ('b', NULL)",
    'CREATE VIEW app.big_orders AS SELECT id, amount FROM app.orders WHERE amount > 1000',
    'CREATE TRIGGER app.upper_customer BEFORE INSERT ON app.orders FOR EACH ROW SET NEW.customer = UPPER(NEW.customer)',
    'CREATE PROCEDURE app.total() SELECT SUM(amount) FROM app.orders',
    "CREATE USER 'reporting'@'10.%' IDENTIFIED BY 'not-stored-anywhere'",
    "GRANT SELECT ON app.* TO 'reporting'@'10.%'",
  ])
    await n.query({ sql });
}

beforeAll(async () => {
  run = new RunContext();
  ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  maria = await new NodeDefinition(ctx, { name: 'team-db', server: { serverId: 1 } }).start();
  env = { FD_TEST_PW: ctx.creds.adminPassword };
  dir = await mkdtemp(join(tmpdir(), 'fd-rt-test-'));
  await appSchema(maria);
  // The team's nightly job: record the state, then take the backups by hand, then copy them out.
  const snap = await cli(['snapshot', '--source', dsn(maria), '--out', join(dir, 'state.json')], { env });
  expect(snap.code, snap.stderr).toBe(0);
  await maria.container.exec(['mariadb-backup', '--backup', '--user=root', '--target-dir=/tmp/full']);
  await maria.container.exec([
    'sh',
    '-c',
    'mariadb-dump --databases app --single-transaction --gtid --master-data=2 --routines --events --triggers | gzip > /tmp/app.sql.gz',
  ]);
  await maria.container.exec(['sh', '-c', 'mariadb-dump --databases app --single-transaction --routines --triggers > /tmp/app.sql']);
  for (const f of ['full', 'app.sql.gz', 'app.sql']) await maria.container.copyOut(`/tmp/${f}`, join(dir, f));
}, 10 * 60_000);

afterAll(async () => {
  await run?.teardown();
  if (run) expect(await leftovers(run.runId)).toEqual([]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('restore-test on backups made outside firedrill (MariaDB 10.11)', () => {
  it('the recorded state holds no password hash, and fingerprints every table', async () => {
    const text = await readFile(join(dir, 'state.json'), 'utf8');
    expect(text).not.toMatch(/\*[0-9A-F]{40}/); // mysql_native_password hashes
    expect(text).not.toContain('not-stored-anywhere');
    const s = JSON.parse(text) as {
      tables: Record<string, { rows: number; fingerprint: { method: string } }>;
      accounts: { list: Record<string, { grants: string[] }> };
    };
    expect(s.tables['app.orders']).toMatchObject({ rows: 2500, fingerprint: { method: 'pk-chunks' } });
    expect(s.tables['app.events']).toMatchObject({ rows: 3, fingerprint: { method: 'multiset' } });
    expect(s.accounts.list["'reporting'@'10.%'"]!.grants.join('\n')).toContain("IDENTIFIED BY PASSWORD '<secret>'");
  });

  it('an unprepared mariadb-backup directory restores, checks, and equals the state (exit 0); the backup is unchanged; no password reaches the host', async () => {
    const before = (await stat(join(dir, 'full', 'xtrabackup_checkpoints'))).mtimeMs;
    const checkpoints = await readFile(join(dir, 'full', 'xtrabackup_checkpoints'), 'utf8');
    // The team's my.cnf holds a secret of its own (wsrep_sst_auth); the run gets a TMPDIR of its own, so every
    // temporary folder it makes is under it. While the restored server runs (the harness frozen), the admin password
    // is read where it lives (the server's client.cnf inside its container); neither it nor the team's secret may be
    // in any of the run's host folders then, nor in its report afterwards (server logs included).
    const teamSecret = `sst-${randomBytes(9).toString('hex')}`;
    await writeFile(join(dir, 'team.cnf'), `[mysqld]\nmax_connections = 99\nwsrep_sst_auth = sst:${teamSecret}\n`);
    const runTmp = await mkdtemp(join(tmpdir(), 'fd-rt-secrets-'));
    let runId = '';
    let scan: Promise<{ passwords: string[]; hits: string[] }> | undefined;
    const cliRun = await cli(
      [
        'restore-test',
        '--json',
        '--artifact',
        join(dir, 'full'),
        '--flavor',
        'mariadb-10.11',
        '--expect',
        join(dir, 'state.json'),
        '--max-age',
        '26h',
        // this run's own history key: a server of an earlier test run may have had the same address and GTIDs
        '--history-key',
        dir,
        '--server-config',
        join(dir, 'team.cnf'),
      ],
      {
        env: { ...env, TMPDIR: runTmp },
        onStderr: (text, child) => {
          runId ||= /run (\S+): restore-test/.exec(text)?.[1] ?? '';
          if (scan || !runId || !/phase check-table/.test(text)) return;
          child.kill('SIGSTOP');
          scan = (async () => {
            try {
              const passwords = await passwordsInContainers(runId);
              const hits = await filesHolding([...passwords, teamSecret], [runTmp, join(reportsDir, runId)]);
              return { passwords, hits };
            } finally {
              child.kill('SIGCONT');
            }
          })();
        },
      },
    );
    const r = { code: cliRun.code, stderr: cliRun.stderr, result: JSON.parse(cliRun.stdout) as Result };
    expect(await leftovers(r.result.runId)).toEqual([]);
    const during = await scan;
    expect(during?.passwords, 'the admin password, read inside the restored server').toHaveLength(1);
    expect(during?.hits, 'host files holding a password while the run was under way').toEqual([]);
    expect(await filesHolding([...during!.passwords, teamSecret], [runTmp, join(reportsDir, runId)])).toEqual([]);
    // the restored server's error log is in the report, and it ran with the team's file
    expect(await readFile(join(reportsDir, runId, 'nodes', 'restored', 'error.log'), 'utf8')).toMatch(/ready for connections/);
    await rm(runTmp, { recursive: true, force: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.result!.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'backup-age',
        'backup-restores',
        'check-table',
        'objects-readable',
        'state-data',
        'state-objects',
        'state-accounts',
        'state-gtid',
      ]),
    );
    expect(failed(r.result)).toEqual([]);
    expect(r.result.observations['serverConfig']).toMatchObject({ kept: expect.arrayContaining(['max-connections', 'wsrep-sst-auth']) });
    expect(r.result!.phases.map((p) => p.name)).toEqual(
      expect.arrayContaining(['stage', 'prepare', 'copy-back', 'start', 'check-table', 'compare']),
    );
    // prepared in a copy: the artifact itself is untouched
    expect(await readFile(join(dir, 'full', 'xtrabackup_checkpoints'), 'utf8')).toBe(checkpoints);
    expect(checkpoints).toMatch(/backup_type = full-backuped/);
    expect((await stat(join(dir, 'full', 'xtrabackup_checkpoints'))).mtimeMs).toBe(before);
  });

  it('a mariadb-dump .gz restores and equals the state; accounts are reported as not in a dump of one database', async () => {
    const r = await restoreTest('--artifact', join(dir, 'app.sql.gz'), '--flavor', 'mariadb-10.11', '--expect', join(dir, 'state.json'));
    expect(r.code, r.stderr).toBe(0);
    // not applicable (said before the restore), never a pass and never a skip
    expect(r.result!.checks.find((c) => c.name === 'state-accounts')).toMatchObject({
      status: 'not-applicable',
      reason: expect.stringMatching(/does not hold the mysql database/),
    });
    expect(r.stderr).toMatch(/not applicable: state-accounts: the dump does not hold the mysql database[\s\S]*phase start/);
    expect(r.result!.checks.find((c) => c.name === 'state-gtid')!.valid).toBe(true);
  });

  it('a truncated dump is a bad backup (exit 1) and so is one that does not load', async () => {
    const text = await readFile(join(dir, 'app.sql'), 'utf8');
    await writeFile(join(dir, 'cut.sql'), text.slice(0, Math.floor(text.length * 0.6)));
    const cut = await restoreTest('--artifact', join(dir, 'cut.sql'), '--flavor', 'mariadb-10.11');
    expect(cut.code).toBe(1);
    expect(failed(cut.result)).toEqual(['backup-complete']);
    // a damaged statement inside a complete-looking dump
    const corrupt = text.replace('INSERT INTO `orders` VALUES', "INSERT INTO `orders` VALUES (1,'dup',1,NULL),");
    expect(corrupt).not.toBe(text);
    await writeFile(join(dir, 'corrupt.sql'), corrupt);
    const bad = await restoreTest('--artifact', join(dir, 'corrupt.sql'), '--flavor', 'mariadb-10.11');
    expect(bad.code).toBe(1);
    expect(failed(bad.result)).toEqual(['backup-restores']);
    expect(JSON.stringify(bad.result!.checks[0])).toMatch(/the dump does not load: ERROR \d+/);
  });

  it('a backup that does not match the state is a bad backup (exit 1): the differing rows and objects are named', async () => {
    // The state is taken, then the data changes before the backup: the backup is not the state the team recorded.
    await maria.query({ sql: 'UPDATE app.orders SET amount = 0 WHERE id = 1234' });
    await maria.query({ sql: 'DROP PROCEDURE app.total' });
    await maria.container.exec(['sh', '-c', 'mariadb-dump --databases app --single-transaction --routines --triggers > /tmp/later.sql']);
    await maria.container.copyOut('/tmp/later.sql', join(dir, 'later.sql'));
    const r = await restoreTest('--artifact', join(dir, 'later.sql'), '--flavor', 'mariadb-10.11', '--expect', join(dir, 'state.json'));
    expect(r.code).toBe(1);
    expect(failed(r.result)).toEqual(expect.arrayContaining(['state-data', 'state-objects']));
    const data = r.result!.checks.find((c) => c.name === 'state-data')!.details['differences'] as Array<Record<string, unknown>>;
    expect(data).toEqual([
      {
        database: 'app',
        object: 'orders',
        kind: 'chunk-differs',
        where: 'id in (1000, 2000]',
        expected: { rows: 1000 },
        actual: { rows: 1000 },
      },
    ]);
    expect(JSON.stringify(r.result!.checks.find((c) => c.name === 'state-objects'))).toContain('procedure-missing');
  });

  it('a stale backup fails --max-age, and one whose GTID has not advanced since the last tested backup fails too', async () => {
    // its own folder: a passing test of the same backup earlier in this file counts as "tested" in the history
    await mkdir(join(dir, 'nightly'));
    await writeFile(join(dir, 'nightly', 'app.sql.gz'), await readFile(join(dir, 'app.sql.gz')));
    const old = await restoreTest('--artifact', join(dir, 'nightly', 'app.sql.gz'), '--flavor', 'mariadb-10.11', '--max-age', '1s');
    expect(old.code).toBe(1);
    expect(failed(old.result)).toEqual(['backup-age']);
    const first = await restoreTest('--artifact', join(dir, 'nightly', 'app.sql.gz'), '--flavor', 'mariadb-10.11', '--max-age', '26h');
    expect(first.code, first.stderr).toBe(0);
    // the same backup again (last night's backup job did not run): its position has not moved
    const again = await restoreTest('--artifact', join(dir, 'nightly', 'app.sql.gz'), '--flavor', 'mariadb-10.11', '--max-age', '26h');
    expect(again.code).toBe(1);
    expect(failed(again.result)).toEqual(['gtid-advanced']);
    // each test of this folder's dump carries the restore times of the ones before it (the trend the nightly job keeps)
    const times = (r?: Result) => (r?.observations['restoreTrend'] as Array<{ restoreMs: number }>).map((x) => x.restoreMs);
    expect(times(old.result)).toEqual([]);
    expect(times(first.result)).toEqual([old.result!.rto.ms]);
    expect(times(again.result)).toEqual([old.result!.rto.ms, first.result!.rto.ms]);
  });

  it('what is not a backup, or a backup of the wrong flavor, exits 2 with one line and starts nothing', async () => {
    await mkdir(join(dir, 'not-a-backup', 'logs'), { recursive: true });
    await writeFile(join(dir, 'not-a-backup', 'README'), 'backups go to /mnt/backups\n');
    const notBackup = await restoreTest('--artifact', join(dir, 'not-a-backup'), '--flavor', 'mariadb-10.11');
    expect(notBackup.code).toBe(2);
    expect(
      notBackup.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('firedrill:')),
    ).toHaveLength(1);
    expect(notBackup.stderr).toMatch(/is not a backup/);
    const newer = await restoreTest('--artifact', join(dir, 'full'), '--flavor', 'mariadb-11.8');
    expect(newer.code).toBe(2);
    expect(newer.stderr).toMatch(/mariadb-backup restores only backups of its own series; use .*--flavor mariadb-10.11/);
    const family = await restoreTest('--artifact', join(dir, 'full'), '--flavor', 'mysql-9.7');
    expect(family.code).toBe(2);
    expect(family.stderr).toMatch(/a MariaDB backup cannot be restored with --flavor mysql-9.7/);
  });
});

describe("restore-test on firedrill's own artifacts and packages (MariaDB 10.11)", () => {
  it('a firedrill artifact is checked against its manifest and restored by the method the manifest names; its package too', async () => {
    const store = await openStore(join(dir, 'store'));
    const manifest = await FS_SNAPSHOT.backup(maria, store, 'nightly-1');
    expect(manifest.method).toBe('fs-snapshot');
    const art = await restoreTest('--artifact', join(store.hostDir, 'nightly-1'), '--flavor', 'mariadb-10.11');
    expect(art.code, art.stderr).toBe(0);
    expect(art.result!.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['backup-complete', 'manifest-checksums', 'manifest-objects', 'check-table']),
    );
    expect(failed(art.result)).toEqual([]);
    // the same artifact packed (zstd + AES-256-GCM): unpacked with the key, then restored alike
    const key = randomBytes(32);
    await mkdir(join(dir, 'packages'));
    const info = await packArtifact(join(store.hostDir, 'nightly-1'), join(dir, 'packages'), key);
    const pkg = join(dir, 'packages', info.file);
    const withKey = { FIREDRILL_ARTIFACT_KEY: key.toString('hex') };
    const ok = await restoreTestEnv(withKey, '--artifact', pkg, '--flavor', 'mariadb-10.11');
    expect(ok.code, ok.stderr).toBe(0);
    // a flipped byte in the package: refused before anything is restored (a bad backup)
    const b = await readFile(pkg);
    b[b.length - 100] = b[b.length - 100]! ^ 0xff;
    await writeFile(pkg, b);
    const bad = await restoreTestEnv(withKey, '--artifact', pkg, '--flavor', 'mariadb-10.11');
    expect(bad.code).toBe(1);
    expect(failed(bad.result)).toEqual(['backup-complete']);
    // a file of the artifact changed after it was sealed: the manifest's sha256 catches it
    await writeFile(join(store.hostDir, 'nightly-1', 'data', 'aria_log_control'), 'changed');
    const changed = await restoreTest('--artifact', join(store.hostDir, 'nightly-1'), '--flavor', 'mariadb-10.11');
    expect(changed.code).toBe(1);
    expect(JSON.stringify(changed.result!.checks)).toMatch(/aria_log_control/);
  });
});

describe('restore-test on a MySQL clone made outside firedrill (MySQL 9.7)', () => {
  let mrun: RunContext;
  let mdir: string;
  let targetGtid = '';
  let targetTime = '';
  beforeAll(async () => {
    mrun = new RunContext();
    const mctx = await openTopologyContext(mrun, 'mysql-9.7', quiet);
    const my = await new NodeDefinition(mctx, { name: 'team-mysql', server: { serverId: 1 } }).start();
    mdir = await mkdtemp(join(tmpdir(), 'fd-rt-mysql-'));
    for (const sql of [
      'CREATE DATABASE shop',
      'CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20))',
      "INSERT INTO shop.items VALUES (1, 'one'), (2, 'two'), (3, NULL)",
      'CREATE TABLE shop.log (line TEXT)',
      "INSERT INTO shop.log VALUES ('x'), ('x')",
    ])
      await my.query({ sql });
    const snap = await cli(
      ['snapshot', '--source', `mysql://firedrill:\${FD_MY_PW}@${my.address}:3306`, '--out', join(mdir, 'state.json')],
      { env: { FD_MY_PW: mctx.creds.adminPassword } },
    );
    expect(snap.code, snap.stderr).toBe(0);
    await my.query({ sql: "CLONE LOCAL DATA DIRECTORY = '/var/lib/mysql-files/nightly'" });
    await my.container.copyOut('/var/lib/mysql-files/nightly', join(mdir, 'clone'));
    // The team's binlog archive after the clone: two transactions up to the target, then one too late for it.
    await my.query({ sql: "INSERT INTO shop.items VALUES (4, 'four')" });
    await my.query({ sql: "UPDATE shop.items SET name = 'uno' WHERE id = 1" });
    const [g] = await my.query<{ uuid: string; done: string; at: string }>({
      sql: 'SELECT @@server_uuid AS uuid, @@gtid_executed AS done, UNIX_TIMESTAMP(NOW(6)) AS at',
    });
    targetGtid = `${g!.uuid}:${/:1-(\d+)$/.exec(String(g!.done).replace(/\s/g, ''))![1]}`;
    const snapTarget = await cli(
      ['snapshot', '--source', `mysql://firedrill:\${FD_MY_PW}@${my.address}:3306`, '--out', join(mdir, 'state-target.json')],
      { env: { FD_MY_PW: mctx.creds.adminPassword } },
    );
    expect(snapTarget.code, snapTarget.stderr).toBe(0);
    // --until TIME: a whole second boundary between the target's last commit and the next one (binlog times are seconds)
    const boundary = Math.floor(Number(g!.at)) + 1;
    await waitUntil(
      async () => Number((await my.query<{ t: string }>({ sql: 'SELECT UNIX_TIMESTAMP(NOW(6)) AS t' }))[0]!.t),
      (t) => t >= boundary + 1,
      { what: 'the server clock one second past the target boundary', timeoutMs: 10_000, intervalMs: 50 },
    );
    targetTime = new Date(boundary * 1000).toISOString();
    await my.query({ sql: "INSERT INTO shop.items VALUES (5, 'too late')" });
    await my.query({ sql: 'FLUSH BINARY LOGS' });
    await mkdir(join(mdir, 'binlogs'));
    for (const b of await my.query<{ Log_name: string }>({ sql: 'SHOW BINARY LOGS' }))
      await my.container.copyOut(`/var/lib/mysql/${b.Log_name}`, join(mdir, 'binlogs', b.Log_name));
  }, 10 * 60_000);
  afterAll(async () => {
    await mrun?.teardown();
    if (mrun) expect(await leftovers(mrun.runId)).toEqual([]);
    if (mdir) await rm(mdir, { recursive: true, force: true });
  });

  it('a CLONE LOCAL DATA DIRECTORY copy restores and equals the state, GTIDs included (exit 0)', async () => {
    const r = await restoreTest('--artifact', join(mdir, 'clone'), '--flavor', 'mysql-9.7', '--expect', join(mdir, 'state.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(failed(r.result)).toEqual([]);
    expect(r.result!.checks.find((c) => c.name === 'state-gtid')!.details['backup']).toMatch(/^[0-9a-f-]{36}:1-\d+$/);
  });

  it('the binlog archive replays onto the clone up to a GTID, and up to a time; each result equals the state at that point', async () => {
    for (const until of [targetGtid, targetTime]) {
      const r = await restoreTest(
        '--artifact',
        join(mdir, 'clone'),
        '--flavor',
        'mysql-9.7',
        '--binlogs',
        join(mdir, 'binlogs'),
        '--until',
        until,
        '--expect',
        join(mdir, 'state-target.json'),
      );
      expect(r.code, `${until}: ${r.stderr.slice(-1500)}`).toBe(0);
      expect(failed(r.result)).toEqual([]);
      expect(r.result!.observations['binlogReplay']).toMatchObject({ transactionsApplied: 2 });
    }
    // the clone alone is not that state: the replay is what the check proves
    const alone = await restoreTest(
      '--artifact',
      join(mdir, 'clone'),
      '--flavor',
      'mysql-9.7',
      '--expect',
      join(mdir, 'state-target.json'),
    );
    expect(alone.code).toBe(1);
    expect(failed(alone.result)).toEqual(expect.arrayContaining(['state-data']));
  });

  it('a MySQL datadir with --flavor mariadb-10.11 exits 2', async () => {
    const r = await restoreTest('--artifact', join(mdir, 'clone'), '--flavor', 'mariadb-10.11');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a MySQL backup cannot be restored with --flavor mariadb-10.11/);
  });
});
