import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openObjectStore, type ObjectStore } from '../../harness/backup/object-store.js';
import { uploadFile, uploadFolder } from '../../harness/backup/object-transfer.js';
import { NodeDefinition, openTopologyContext, type RunContext, type S3Server } from '../../harness/runtime/index.js';
import { quiet, restoreTestCli, type RestoreTestResult } from '../docker/helpers.js';
import type { FaultProxy } from '../docker/s3-fault-proxy.js';
import { closeTestStore, openTestStore, type TestStore } from '../docker/s3-test-store.js';

// Nightly (not in npm test): it makes real backups on a MariaDB server and restores them. The store's exit codes
// (missing, truncated, lost file, wrong key, down, throttled, dropped, GLACIER) are in npm test: tests/docker/s3-store.test.ts.
/**
 * restore-test reading backups out of a real S3-compatible store (moto's server, image docker/s3, signatures checked
 * against its own IAM), as a nightly job with read-only keys would: what the store holds restores (exit 0), with
 * multipart uploads and server-side encryption headers.
 */
type Result = RestoreTestResult;

let t: TestStore;
let run: RunContext;
let s3: S3Server;
let store: ObjectStore;
let proxy: FaultProxy;
let dir: string;
let readerEnv: Record<string, string>;
const BUCKET = 'nightly-backups';

const restoreTest = (env: Record<string, string>, ...args: string[]) => restoreTestCli<Result>(['--flavor', 'mariadb-10.11', ...args], env);
const failed = (r?: Result) => r?.checks.filter((c) => !c.valid).map((c) => c.name) ?? [];

beforeAll(async () => {
  t = await openTestStore(BUCKET);
  ({ run, s3, store, proxy, dir, readerEnv } = t);
  // The team's backup job: a small database, a streamed mariabackup and a dump, shipped to the store.
  const ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  const db = await new NodeDefinition(ctx, { name: 'team-db', server: { serverId: 1 } }).start();
  for (const sql of [
    'CREATE DATABASE app',
    'CREATE TABLE app.orders (id INT PRIMARY KEY, amount DECIMAL(10,2))',
    'INSERT INTO app.orders SELECT seq, seq * 1.5 FROM app.seq_1_to_3000',
  ])
    await db.query({ sql });
  await db.container.exec(['sh', '-c', 'mariadb-backup --backup --user=root --stream=mbstream --target-dir=/tmp/x > /tmp/full.xb']);
  await db.container.exec(['sh', '-c', 'mariadb-dump --databases app --single-transaction | gzip > /tmp/app.sql.gz']);
  await db.container.exec(['mariadb-backup', '--backup', '--user=root', '--target-dir=/tmp/folder']);
  for (const f of ['full.xb', 'app.sql.gz', 'folder']) await db.container.copyOut(`/tmp/${f}`, join(dir, f));
  // The mbstream goes up in 5 MiB parts (a multipart upload), through the proxy, with SSE-S3 asked for.
  const sseStore = openObjectStore({ ...s3.env, FIREDRILL_S3_ENDPOINT: proxy.endpoint, FIREDRILL_S3_SSE: 'AES256' });
  await uploadFile(sseStore, join(dir, 'full.xb'), { bucket: BUCKET, key: 'db1/2026-12-06/full.xb' }, 5 * 1024 * 1024);
  await uploadFile(store, join(dir, 'app.sql.gz'), { bucket: BUCKET, key: 'db1/2026-12-06/app.sql.gz' });
  await uploadFolder(store, join(dir, 'folder'), { bucket: BUCKET, key: 'db1/2026-12-06/folder' });
}, 10 * 60_000);

afterAll(() => closeTestStore(t));

describe('restore-test --artifact s3://… (MariaDB 10.11, a real S3 store)', () => {
  it('an mbstream uploaded in parts restores from the store with read-only keys, checked with its sha256 and the store checksums', async () => {
    const up = proxy.seen.filter((s) => s.method === 'PUT' && /partNumber=/.test(s.url));
    expect(up.length).toBeGreaterThanOrEqual(2); // a multipart upload
    const r = await restoreTest(readerEnv, '--artifact', `s3://${BUCKET}/db1/2026-12-06/full.xb`);
    expect(r.code, r.stderr).toBe(0);
    expect(failed(r.result)).toEqual([]);
    expect(r.result!.phases[0]!.name).toBe('fetch');
    const o = r.result!.observations['objectStore'] as { bytes: number; locations: Array<{ checked: string[] }> };
    expect(o.bytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(o.locations[0]!.checked[0]).toMatch(/^sha256 from the sidecar db1\/2026-12-06\/full\.xb\.sha256/);
    expect((r.result!.observations['inventory'] as { rows: Record<string, number> }).rows['app.orders']).toBe(3000);
  }, 180_000);

  it('server-side encryption headers are sent with every write, and the store keeps the object encrypted', async () => {
    const writes = proxy.seen.filter((s) => s.method === 'PUT' || (s.method === 'POST' && /uploads(=|$)/.test(s.url)));
    const starts = writes.filter((s) => !/partNumber=/.test(s.url));
    expect(starts.length).toBeGreaterThan(0);
    for (const w of starts) expect(w.headers['x-amz-server-side-encryption']).toBe('AES256');
    const head = await store.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'db1/2026-12-06/full.xb' }));
    expect(head.ServerSideEncryption).toBe('AES256');
  });

  it('a mariabackup folder in the store is checked against its SHA256SUMS, file by file, before it restores', async () => {
    const r = await restoreTest(readerEnv, '--artifact', `s3://${BUCKET}/db1/2026-12-06/folder/`);
    expect(r.code, r.stderr).toBe(0);
    const o = r.result!.observations['objectStore'] as { locations: Array<{ objects: number; checked: string[] }> };
    expect(o.locations[0]!.objects).toBeGreaterThan(5);
    expect(o.locations[0]!.checked).toEqual(['sha256 from SHA256SUMS']);
  }, 180_000);
});
