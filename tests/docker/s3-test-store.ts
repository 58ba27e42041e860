import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import { openObjectStore, type ObjectStore } from '../../harness/backup/object-store.js';
import { RunContext, startS3Server, type S3Server } from '../../harness/runtime/index.js';
import { leftovers, quiet } from './helpers.js';
import { faultProxy, type FaultProxy } from './s3-fault-proxy.js';

/** The S3 store of a test file: the store of its run, a bucket, the writer's client, the reader's env, a fault proxy. */
export interface TestStore {
  run: RunContext;
  s3: S3Server;
  /** A client with the writer's keys (the backup job's). */
  store: ObjectStore;
  /** What a restore-test job is given: the endpoint and the read-only keys. */
  readerEnv: Record<string, string>;
  proxy: FaultProxy;
  /** A private folder of the host for the test's files. */
  dir: string;
}

export async function openTestStore(bucket: string): Promise<TestStore> {
  const run = new RunContext();
  const s3 = await startS3Server(run, quiet);
  const store = openObjectStore({ ...s3.env });
  await store.client.send(new CreateBucketCommand({ Bucket: bucket }));
  const readerEnv = { FIREDRILL_S3_ENDPOINT: s3.endpoint, AWS_REGION: 'us-east-1', ...s3.reader };
  const proxy = await faultProxy(s3.endpoint);
  const dir = await mkdtemp(join(tmpdir(), 'fd-s3-test-'));
  return { run, s3, store, readerEnv, proxy, dir };
}

/** Tears the run down (the store with it) and checks it left nothing behind. */
export async function closeTestStore(t: TestStore | undefined): Promise<void> {
  if (!t) return;
  await t.proxy.close();
  await t.run.teardown();
  expect(await leftovers(t.run.runId)).toEqual([]);
  await rm(t.dir, { recursive: true, force: true });
}
