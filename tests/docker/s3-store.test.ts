import { createHash, randomBytes } from 'node:crypto';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../harness/backup/object-store.js';
import { listObjects, uploadFile, uploadFolder } from '../../harness/backup/object-transfer.js';
import { binlog, goodLocation, PACKAGE_NAME, packageLocation } from '../../harness/restore/chain.test-fixture.js';
import { makeEngineCerts } from '../../harness/runtime/engine-certs.js';
import { cli, restoreTestCli, type RestoreTestResult } from './helpers.js';
import { type FaultProxy, faultProxy } from './s3-fault-proxy.js';
import { closeTestStore, openTestStore, type TestStore } from './s3-test-store.js';

/**
 * The S3 part of `npm test`, against the real S3-compatible store the set-up builds (moto, signatures checked against
 * its own IAM, the reader allowed only ListBucket and GetObject): `chain verify` on a chain kept in the bucket, each
 * break planted in the bucket itself (exit 1, named), and the exit-code contract of reading a backup out of a store
 * (a broken backup exit 1, a broken environment exit 2 with one line). None of these starts a database server: the
 * restores of real chains from S3 are the nightly series' (tests/nightly/s3-chain.test.ts, s3-restore.test.ts).
 */
let t: TestStore;
let store: ObjectStore;
let proxy: FaultProxy;
let dir: string;
let readerEnv: Record<string, string>;
const BUCKET = 'team-backups';

const chainVerify = (prefix: string, env = readerEnv) => cli(['chain', 'verify', '--location', `s3://${BUCKET}/${prefix}/`], { env });
const restoreTest = (env: Record<string, string>, url: string) =>
  restoreTestCli<RestoreTestResult>(['--flavor', 'mariadb-10.11', '--artifact', url], env);
const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';
const put = (Key: string, Body: string | Buffer, more: Record<string, string> = {}) =>
  store.client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, ...more }));

beforeAll(async () => {
  t = await openTestStore(BUCKET);
  ({ store, proxy, dir, readerEnv } = t);
  // a full backup, two incrementals and a binlog archive (synthetic metadata and binlog files, byte for byte)
  await goodLocation(join(dir, 'chain'));
  // a 2 MiB object and its sha256 sidecar, as a dump job ships it
  await writeFile(join(dir, 'app.sql.gz'), randomBytes(2 * 1024 * 1024));
  await uploadFile(store, join(dir, 'app.sql.gz'), { bucket: BUCKET, key: 'db1/2026-12-06/app.sql.gz' });
}, 10 * 60_000);

afterAll(() => closeTestStore(t));

describe('chain verify on a chain kept in S3, each break planted in the bucket', () => {
  const ship = (prefix: string) => uploadFolder(store, join(dir, 'chain'), { bucket: BUCKET, key: prefix });

  it('the whole chain: exit 0, three windows, read with the read-only keys', async () => {
    await ship('whole');
    const r = await chainVerify('whole');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^CONTINUOUS s3:\/\/team-backups\/whole\/: 3 backup\(s\), 3 binlog file\(s\)/);
    expect(r.stdout.match(/^ {2}window /gm)).toHaveLength(3);
  });

  it('a middle binlog file deleted: exit 1, binlog-missing between its neighbours', async () => {
    await ship('no-binlog');
    await store.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'no-binlog/binlogs/mariadb-bin.000002' }));
    const r = await chainVerify('no-binlog');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BREAK binlog-missing at mariadb-bin\.000001 → mariadb-bin\.000003: 1 file\(s\) missing between them/);
  });

  it('a middle incremental deleted: exit 1, incremental-without-base names the one left without it', async () => {
    await ship('no-inc1');
    for (const o of await listObjects(store, { bucket: BUCKET, key: 'no-inc1/inc1/' }))
      await store.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: o.key }));
    const r = await chainVerify('no-inc1');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BREAK incremental-without-base at inc2: it starts at LSN 2000/);
  });

  it('a binlog file cut short in the bucket: exit 1, binlog-truncated (read with ranged GETs of its headers)', async () => {
    await ship('cut');
    const f = join(dir, 'cut.000002');
    await writeFile(f, await readFile(join(dir, 'chain', 'binlogs', 'mariadb-bin.000002')));
    await truncate(f, 700);
    await put('cut/binlogs/mariadb-bin.000002', await readFile(f));
    const r = await chainVerify('cut');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BREAK binlog-truncated at mariadb-bin\.000002/);
  });

  it('a GTID gap between two files: exit 1, gtid-gap naming the transactions in no file', async () => {
    await ship('gap');
    await put('gap/binlogs/mariadb-bin.000002', binlog({ startSeq: 17, from: 18, to: 35, next: 'mariadb-bin.000003' }));
    const r = await chainVerify('gap');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BREAK gtid-gap at mariadb-bin\.000001 → mariadb-bin\.000002: .*0-1-17/);
  });

  it('a firedrill package and binlogs (its sidecar read, never its body): exit 0 authenticated with the key; the package cut short in the bucket: exit 1, package-truncated', async () => {
    const key = randomBytes(32);
    await packageLocation(join(dir, 'packaged'), key);
    await uploadFolder(store, join(dir, 'packaged'), { bucket: BUCKET, key: 'packaged' });
    const env = { ...readerEnv, FIREDRILL_ARTIFACT_KEY: key.toString('hex') };
    const whole = await chainVerify('packaged', env);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toContain('1 firedrill package(s): sidecars authenticated with the package key');
    expect(whole.stdout).toMatch(/window pkgs\/full-1\.tar\.zst\.enc: .*\(0-1-10\) → .*\(0-1-45\)/);
    await put(`packaged/${PACKAGE_NAME}`, (await readFile(join(dir, 'packaged', PACKAGE_NAME))).subarray(0, 1000));
    const cut = await chainVerify('packaged', env);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(/BREAK package-truncated at pkgs\/full-1\.tar\.zst\.enc: 1000 bytes listed, the sidecar says \d+/);
  });

  it('keys the store refuses: exit 2, one line', async () => {
    const r = await chainVerify('whole', { ...readerEnv, AWS_SECRET_ACCESS_KEY: 'not-the-key' });
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/refuses the credentials/);
  });
});

describe('restore-test --artifact s3://…: a broken backup is exit 1, a broken environment exit 2 (before any container)', () => {
  const failedChecks = (r?: RestoreTestResult) => JSON.stringify(r?.checks.filter((c) => !c.valid));

  it('the newest backup missing from the store: exit 1 (backup-missing)', async () => {
    const r = await restoreTest(readerEnv, `s3://${BUCKET}/db1/2026-12-07/full.xb`);
    expect(r.code, r.stderr).toBe(1);
    expect(r.result!.checks.filter((c) => !c.valid).map((c) => c.name)).toEqual(['backup-in-store']);
    expect(failedChecks(r.result)).toContain('backup-missing');
  });

  it('an object truncated in the store (its sha256 sidecar says otherwise): exit 1, checksum-mismatch', async () => {
    const whole = await readFile(join(dir, 'app.sql.gz'));
    const key = 'db1/2026-12-06/cut.sql.gz';
    await put(key, whole.subarray(0, whole.length / 2));
    await put(`${key}.sha256`, `${createHash('sha256').update(whole).digest('hex')}  cut.sql.gz\n`);
    const r = await restoreTest(readerEnv, `s3://${BUCKET}/${key}`);
    expect(r.code, r.stderr).toBe(1);
    expect(failedChecks(r.result)).toContain('checksum-mismatch');
  });

  it('a firedrill package is read out of the store with its sidecar: opened with another key, exit 2 naming the key (not "sidecar missing")', async () => {
    await packageLocation(join(dir, 'packaged-rt'), randomBytes(32));
    await uploadFolder(store, join(dir, 'packaged-rt', 'pkgs'), { bucket: BUCKET, key: 'packaged-rt' });
    const r = await restoreTest(
      { ...readerEnv, FIREDRILL_ARTIFACT_KEY: randomBytes(32).toString('hex') },
      `s3://${BUCKET}/packaged-rt/full-1.tar.zst.enc`,
    );
    expect(r.code, r.stderr).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/refused: the key does not match the one it was encrypted with/);
  });

  it('a folder whose SHA256SUMS lists a file the store lost: exit 1, naming it', async () => {
    await put('db1/lost/SHA256SUMS', `${'cd'.repeat(32)}  ibdata1\n${'ef'.repeat(32)}  gone.ibd\n`);
    await put('db1/lost/ibdata1', 'x');
    const r = await restoreTest(readerEnv, `s3://${BUCKET}/db1/lost/`);
    expect(r.code, r.stderr).toBe(1);
    expect(failedChecks(r.result)).toContain('gone.ibd');
  });

  it('a wrong secret key: exit 2, one line naming the credentials', async () => {
    const r = await restoreTest({ ...readerEnv, AWS_SECRET_ACCESS_KEY: 'not-the-key' }, `s3://${BUCKET}/db1/2026-12-06/app.sql.gz`);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/refuses the credentials/);
  });

  it('a store that is down: exit 2', async () => {
    const r = await restoreTest({ ...readerEnv, FIREDRILL_S3_ENDPOINT: 'http://127.0.0.1:9' }, `s3://${BUCKET}/db1/x.xb`);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/unreachable/);
  });

  it('a store that throttles every request (503 SlowDown): exit 2 after the SDK retried', async () => {
    proxy.mode = 'throttle';
    try {
      const r = await restoreTest({ ...readerEnv, FIREDRILL_S3_ENDPOINT: proxy.endpoint }, `s3://${BUCKET}/db1/2026-12-06/app.sql.gz`);
      expect(r.code).toBe(2);
      expect(lastLine(r.stderr)).toMatch(/throttles requests \(SlowDown\) after 3 attempt/);
    } finally {
      proxy.mode = 'pass';
    }
  });

  it('a store that drops the connection in the middle of every download: exit 2 (the environment), not a bad backup', async () => {
    proxy.mode = 'drop-body';
    try {
      const r = await restoreTest({ ...readerEnv, FIREDRILL_S3_ENDPOINT: proxy.endpoint }, `s3://${BUCKET}/db1/2026-12-06/app.sql.gz`);
      expect(r.code).toBe(2);
      expect(lastLine(r.stderr)).toMatch(/dropped the connection|announced \d+ bytes and sent/);
    } finally {
      proxy.mode = 'pass';
    }
  });

  it('an object in the GLACIER storage class: exit 2, one line saying to restore it first', async () => {
    await put('db1/cold/full.xb', await readFile(join(dir, 'app.sql.gz')), { StorageClass: 'GLACIER' });
    const r = await restoreTest(readerEnv, `s3://${BUCKET}/db1/cold/full.xb`);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/GLACIER storage class and not restored: restore it first/);
  });
});

describe('an https endpoint (a store behind TLS with a private CA)', () => {
  let https: FaultProxy;
  let caFile: string;
  beforeAll(async () => {
    // a throwaway CA and a certificate for 127.0.0.1: the keys stay in memory, only the CA certificate is a file
    const certs = await makeEngineCerts(join(dir, 'tls-client'), ['127.0.0.1']);
    caFile = join(certs.clientDir, 'ca.pem');
    https = await faultProxy(t.s3.endpoint, certs.server);
    await uploadFolder(store, join(dir, 'chain'), { bucket: BUCKET, key: 'over-tls' });
  }, 120_000);
  afterAll(() => https?.close());

  it('the CA given through NODE_EXTRA_CA_CERTS: chain verify reads the chain over TLS, exit 0', async () => {
    https.seen.length = 0;
    const r = await chainVerify('over-tls', { ...readerEnv, FIREDRILL_S3_ENDPOINT: https.endpoint, NODE_EXTRA_CA_CERTS: caFile });
    expect(https.endpoint).toMatch(/^https:/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^CONTINUOUS s3:\/\/team-backups\/over-tls\//);
    // every request went through the TLS endpoint, none around it
    expect(https.seen.length).toBeGreaterThan(3);
  });

  it('a certificate the client does not trust: exit 2, one line naming the certificate, nothing read', async () => {
    https.seen.length = 0;
    const r = await restoreTest({ ...readerEnv, FIREDRILL_S3_ENDPOINT: https.endpoint }, `s3://${BUCKET}/db1/2026-12-06/app.sql.gz`);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/TLS certificate at https:\/\/127\.0\.0\.1:\d+ is not trusted .*NODE_EXTRA_CA_CERTS/);
    expect(https.seen).toEqual([]);
  });
});
