import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../harness/exec/index.js';
import type { ObjectStore } from '../../harness/backup/object-store.js';
import { listObjects, uploadFile, uploadFolder } from '../../harness/backup/object-transfer.js';
import { type FlavorId, seeded } from '../../harness/core/index.js';
import { NodeDefinition, openTopologyContext, type RunContext, type StartedNode } from '../../harness/runtime/index.js';
import { cli, quiet, restoreTestCli, type RestoreTestResult } from '../docker/helpers.js';
import { closeTestStore, openTestStore, type TestStore } from '../docker/s3-test-store.js';

/**
 * The nightly job on a backup chain kept in S3 (issue 23's Done when): the real tools make it against a live server
 * under a write workload (MariaDB 10.11: a full mariabackup, two incrementals, the binlog archive; MySQL 9.7: a full
 * clone and the binlog archive, with the state recorded at the clone), it is shipped to the local S3 store, and
 * `firedrill restore-test --point random|newest --location s3://…` restores one random point (seed printed) and the
 * newest one with read-only keys, as a nightly job runs it: the server stands exactly at the point (GTID), and equals
 * the state recorded there where the location holds one. A planted break (a middle incremental or binlog file deleted
 * from the bucket) makes the same run exit 1, naming it.
 */
let t: TestStore;
let run: RunContext;
let store: ObjectStore;
let readerEnv: Record<string, string>;
let work: string;
const BUCKET = 'chain-nightly';

beforeAll(async () => {
  t = await openTestStore(BUCKET);
  ({ run, store, readerEnv, dir: work } = t);
}, 10 * 60_000);

afterAll(() => closeTestStore(t));

/** The application's writes: inserts, updates and deletes, one transaction each, until stopped. */
function workload(db: StartedNode) {
  let on = true;
  let n = 0;
  const done = (async () => {
    while (on) {
      n++;
      const id = 1 + ((n * 7919) % 2000);
      if (n % 7 === 0) await db.query({ sql: 'DELETE FROM app.orders WHERE id = ?', values: [id] });
      else if (n % 3 === 0) await db.query({ sql: 'UPDATE app.orders SET amount = amount + 1 WHERE id = ?', values: [id] });
      else await db.query({ sql: 'INSERT INTO app.orders (amount, note) VALUES (?, ?)', values: [n / 100, `w${n}`] });
    }
  })();
  return {
    /** Lets at least `k` more transactions commit. */
    async more(k: number) {
      const until = n + k;
      await waitUntil(
        async () => n,
        (v) => v >= until,
        { timeoutMs: 120_000, intervalMs: 50, what: `the workload committing ${k} more transactions (up to ${until})` },
      );
    },
    stop: async () => {
      on = false;
      await done;
      return n;
    },
  };
}

interface Chain {
  db: StartedNode;
  prefix: string;
  dir: string;
}

/** A node of the flavor with app.orders (2000 rows), and the helpers a backup job on it needs. */
async function teamDb(flavor: FlavorId, prefix: string): Promise<Chain & { snapshot: (key: string) => Promise<void> }> {
  const ctx = await openTopologyContext(run, flavor, quiet);
  const db = await new NodeDefinition(ctx, { name: `${prefix}-db`, server: { serverId: 1 } }).start();
  const dir = join(work, prefix);
  await mkdir(join(dir, 'states'), { recursive: true });
  await db.query({ sql: 'CREATE DATABASE app' });
  await db.query({ sql: 'CREATE TABLE app.orders (id INT PRIMARY KEY AUTO_INCREMENT, amount DECIMAL(10,2), note VARCHAR(20))' });
  const rows = Array.from({ length: 2000 }, (_, i) => i + 1);
  await db.query({
    sql: `INSERT INTO app.orders (amount, note) VALUES ${rows.map(() => '(?, ?)').join(',')}`,
    values: rows.flatMap((i) => [i, `r${i}`]),
  });
  const env = { FD_TEST_PW: ctx.creds.adminPassword };
  // `firedrill snapshot` records the state at this moment (the workload is paused by the caller) into the bucket
  const snapshot = async (key: string) => {
    const file = join(dir, 'states', key.replace(/\//g, '_'));
    const r = await cli(['snapshot', '--source', `mysql://firedrill:\${FD_TEST_PW}@${db.address}:3306`, '--out', file], { env });
    expect(r.code, r.stderr).toBe(0);
    await store.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${key}`, Body: await readFile(file) }));
  };
  return { db, prefix, dir, snapshot };
}

/** The binlog archive job: rotate, copy every closed file, ship each one with its .sha256 (as the archive grows). */
async function shipBinlogs(c: Chain) {
  await c.db.query({ sql: 'FLUSH BINARY LOGS' });
  const files = (await c.db.container.exec(['sh', '-c', 'ls /var/lib/mysql/mysql-bin.0*'])).stdout.split('\n').filter(Boolean);
  await mkdir(join(c.dir, 'binlogs'), { recursive: true });
  for (const f of files.slice(0, -1)) {
    const name = f.split('/').pop()!;
    await c.db.container.copyOut(f, join(c.dir, 'binlogs', name));
    await uploadFile(store, join(c.dir, 'binlogs', name), { bucket: BUCKET, key: `${c.prefix}/binlogs/${name}` });
  }
  return files.length - 1;
}

/** A backup folder made in the container, copied out and shipped with its SHA256SUMS. */
async function shipFolder(c: Chain, inContainer: string, key: string) {
  const local = join(c.dir, key.replace(/\//g, '_'));
  await c.db.container.copyOut(inContainer, local);
  await uploadFolder(store, local, { bucket: BUCKET, key: `${c.prefix}/${key}` });
}

const pointTest = (c: { flavor: FlavorId; prefix: string }, ...args: string[]) =>
  restoreTestCli<RestoreTestResult>(['--flavor', c.flavor, '--location', `s3://${BUCKET}/${c.prefix}/`, ...args], readerEnv);
const failed = (r?: RestoreTestResult) => r?.checks.filter((x) => !x.valid).map((x) => x.name) ?? [];
const point = (r?: RestoreTestResult) =>
  r?.observations['recoveryPoint'] as { seed?: number; backups: string[]; gtid?: string; position: string; comparedWith?: string };
const restoredGtid = (r?: RestoreTestResult) =>
  (r?.checks.find((x) => x.name === 'recovery-point')?.details['restoredGtid'] as string) ?? '';
const secs = (r?: RestoreTestResult) =>
  `${((r?.rto.ms ?? 0) / 1000).toFixed(1)} s restore (${r?.phases.map((p) => `${p.name} ${(p.durationMs / 1000).toFixed(1)}`).join(', ')})`;

/** Runs --point random (a fresh seed, printed) and checks the server stands at the point. */
async function randomPoint(c: { flavor: FlavorId; prefix: string }) {
  const t0 = Date.now();
  const r = await pointTest(c, '--point', 'random');
  const seed = /\(seed (\d+);/.exec(r.stderr)?.[1];
  console.log(
    `${c.flavor}: --point random seed ${seed}: ${JSON.stringify(point(r.result))}; ${secs(r.result)}; ${Date.now() - t0} ms in all`,
  );
  expect(r.code, `${r.stderr}\n${JSON.stringify(r.result?.checks.filter((x) => !x.valid))}`).toBe(0);
  expect(failed(r.result)).toEqual([]);
  expect(point(r.result).seed).toBe(Number(seed));
  const names = r.result!.checks.map((x) => x.name);
  expect(names).toEqual(expect.arrayContaining(['chain-continuous', 'recovery-point']));
  if (point(r.result).comparedWith) expect(names).toEqual(expect.arrayContaining(['state-data', 'state-gtid']));
  expect(r.result!.phases[0]!.name).toBe('fetch');
}

describe('MariaDB 10.11: a full backup, two incrementals and the binlog archive in S3', () => {
  const c = { flavor: 'mariadb-10.11' as FlavorId, prefix: 'mariadb' };
  let binlogFiles = 0;
  beforeAll(async () => {
    const t = await teamDb(c.flavor, c.prefix);
    const backup = (...args: string[]) =>
      t.db.container.exec(['mariadb-backup', '--backup', '--user=root', ...args], { timeoutMs: 300_000 });
    await t.db.container.exec(['mkdir', '-p', '/tmp/chain']);
    // An incremental starts at its base's checkpoint LSN: without a checkpoint between two incrementals both start at
    // the same LSN and the second applies on the full backup alone (measured: then deleting the first breaks
    // nothing). Backups hours apart always have one; here the page cleaner flushes everything and the test waits for
    // the checkpoint to pass the base's before each incremental.
    await t.db.query({ sql: 'SET GLOBAL innodb_max_dirty_pages_pct = 0' });
    const checkpointPast = async (base: string) => {
      const cp = await t.db.container.exec(['sh', '-c', `sed -n 's/^to_lsn = //p' ${base}/*_checkpoints`]);
      const baseLsn = Number(cp.stdout.trim());
      await waitUntil(
        async () =>
          Number((await t.db.query<{ Value: string }>({ sql: "SHOW GLOBAL STATUS LIKE 'Innodb_lsn_last_checkpoint'" }))[0]?.Value),
        (lsn) => lsn > baseLsn,
        { timeoutMs: 120_000, intervalMs: 200, what: `an InnoDB checkpoint past ${base}'s LSN ${baseLsn}` },
      );
    };
    const w = workload(t.db);
    try {
      await w.more(50);
      await backup('--target-dir=/tmp/chain/full'); // under writes: its own GTID is in its binlog info
      await w.more(50);
      await t.db.query({ sql: 'FLUSH BINARY LOGS' }); // the archive rotates between backups
      await checkpointPast('/tmp/chain/full');
      await backup('--target-dir=/tmp/chain/inc1', '--incremental-basedir=/tmp/chain/full');
      await w.more(50);
      await checkpointPast('/tmp/chain/inc1');
      await backup('--target-dir=/tmp/chain/inc2', '--incremental-basedir=/tmp/chain/inc1');
      await w.more(50);
    } finally {
      await w.stop();
    }
    await t.snapshot('states/after-inc2.state.json');
    const w2 = workload(t.db);
    try {
      await w2.more(60);
    } finally {
      await w2.stop();
    }
    await t.snapshot('states/end.state.json');
    for (const b of ['full', 'inc1', 'inc2']) await shipFolder(t, `/tmp/chain/${b}`, `2026-12-07/${b}`);
    binlogFiles = await shipBinlogs(t);
  }, 20 * 60_000);

  it('chain verify on the bucket: continuous, three windows through the archive', async () => {
    const r = await cli(['chain', 'verify', '--json', '--location', `s3://${BUCKET}/${c.prefix}/`], { env: readerEnv });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { windows: Array<{ backups: string[]; gtids: string[] }>; binlogFiles: number };
    expect(rep.binlogFiles).toBe(binlogFiles);
    expect(rep.windows.map((w) => w.backups.length)).toEqual([1, 2, 3]);
    expect(rep.windows.every((w) => w.gtids.length > 0)).toBe(true);
  });

  it('--point newest restores the three backups and the archive to its last GTID, and equals the state recorded there', async () => {
    const r = await pointTest(c, '--point', 'newest');
    console.log(`${c.flavor}: --point newest: ${JSON.stringify(point(r.result))}; ${secs(r.result)}`);
    expect(r.code, r.stderr).toBe(0);
    expect(failed(r.result)).toEqual([]);
    expect(point(r.result).backups).toEqual(['2026-12-07/full', '2026-12-07/inc1', '2026-12-07/inc2']);
    expect(point(r.result).comparedWith).toBe('states/end.state.json');
    expect(r.result!.checks.find((x) => x.name === 'state-data')!.valid).toBe(true);
    expect(restoredGtid(r.result)).toBe(point(r.result).position);
  });

  it('--point random (a fresh seed, printed) restores a point of the chain, GTID equal to it', () => randomPoint(c));

  it('a middle incremental deleted from the bucket: exit 1, chain-continuous names the incremental left without its base', async () => {
    for (const o of await listObjects(store, { bucket: BUCKET, key: `${c.prefix}/2026-12-07/inc1/` }))
      await store.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: o.key }));
    const r = await pointTest(c, '--point', 'newest');
    expect(r.code, r.stderr).toBe(1);
    expect(failed(r.result)).toEqual(['chain-continuous']);
    expect(r.stderr).toMatch(/chain: incremental-without-base at 2026-12-07\/inc2/);
    expect(JSON.stringify(r.result!.checks)).toMatch(/"object":"2026-12-07\/inc2","kind":"incremental-without-base"/);
  });
});

describe('MySQL 9.7: a full clone and the binlog archive in S3', () => {
  const c = { flavor: 'mysql-9.7' as FlavorId, prefix: 'mysql' };
  let binlogFiles = 0;
  let windowGtids = 0;
  beforeAll(async () => {
    const t = await teamDb(c.flavor, c.prefix);
    const w = workload(t.db);
    try {
      await w.more(50);
    } finally {
      await w.stop();
    }
    // the job holds the writes while it records the state and clones (a clone records its GTID only in its tables)
    await t.snapshot('2026-12-07/full.state.json');
    await t.db.query({ sql: 'CLONE LOCAL DATA DIRECTORY = ?', values: ['/var/lib/mysql-files/full'] });
    const w2 = workload(t.db);
    try {
      await w2.more(50);
      await t.db.query({ sql: 'FLUSH BINARY LOGS' });
      await w2.more(50);
      await t.db.query({ sql: 'FLUSH BINARY LOGS' });
      await w2.more(50);
    } finally {
      await w2.stop();
    }
    await t.snapshot('states/end.state.json');
    await shipFolder(t, '/var/lib/mysql-files/full', '2026-12-07/full');
    binlogFiles = await shipBinlogs(t);
    const shipped = await readdir(join(t.dir, '2026-12-07_full'));
    expect(shipped).toContain('#clone');
  }, 20 * 60_000);

  it('chain verify on the bucket: continuous, the clone (its point from its state) through the archive', async () => {
    const r = await cli(['chain', 'verify', '--json', '--location', `s3://${BUCKET}/${c.prefix}/`], { env: readerEnv });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { family: string; windows: Array<{ backups: string[]; gtids: string[] }>; binlogFiles: number };
    expect(rep.family).toBe('mysql');
    expect(rep.binlogFiles).toBe(binlogFiles);
    expect(rep.windows.map((w) => [w.backups, w.gtids.length >= 150])).toEqual([[['2026-12-07/full'], true]]);
    windowGtids = rep.windows[0]!.gtids.length;
  });

  it('--point newest restores the clone and the archive to its last GTID, and equals the state recorded there', async () => {
    const r = await pointTest(c, '--point', 'newest');
    console.log(`${c.flavor}: --point newest: ${JSON.stringify(point(r.result))}; ${secs(r.result)}`);
    expect(r.code, `${r.stderr}\n${JSON.stringify(r.result?.checks.filter((x) => !x.valid))}`).toBe(0);
    expect(failed(r.result)).toEqual([]);
    expect(point(r.result).comparedWith).toBe('states/end.state.json');
    expect(r.result!.checks.find((x) => x.name === 'state-data')!.valid).toBe(true);
  });

  it('--point random (a fresh seed, printed) restores a point of the chain, GTID equal to it', () => randomPoint(c));

  it("the clone's own point (a seed that lands on it) equals the state recorded with the clone", async () => {
    // restore-test picks uniformly among the window's points, the backup's own first: find a seed whose draw is that one
    const points = 1 + windowGtids;
    const seed = Array.from({ length: 100_000 }, (_, i) => i).find((i) => Math.floor(seeded(i)() * points) === 0)!;
    const r = await pointTest(c, '--point', 'random', '--seed', String(seed));
    console.log(`${c.flavor}: the clone's own point (seed ${seed}): ${JSON.stringify(point(r.result))}; ${secs(r.result)}`);
    expect(r.code, `${r.stderr}\n${JSON.stringify(r.result?.checks.filter((x) => !x.valid))}`).toBe(0);
    expect(point(r.result).gtid).toBeUndefined();
    expect(point(r.result).comparedWith).toBe('2026-12-07/full.state.json');
    expect(failed(r.result)).toEqual([]);
  });

  it('a middle binlog file deleted from the bucket: exit 1, chain-continuous names the missing file', async () => {
    const files = (await listObjects(store, { bucket: BUCKET, key: `${c.prefix}/binlogs/` })).filter((o) => /\.\d{6}$/.test(o.key));
    const middle = files[Math.floor(files.length / 2)]!.key;
    for (const k of [middle, `${middle}.sha256`]) await store.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: k }));
    const r = await pointTest(c, '--point', 'newest');
    expect(r.code, r.stderr).toBe(1);
    expect(failed(r.result)).toEqual(['chain-continuous']);
    expect(r.stderr).toMatch(/chain: binlog-missing at mysql-bin\.\d+ → mysql-bin\.\d+: 1 file\(s\) missing between them/);
  });
});
