import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openObjectStore, type ObjectStore } from '../../harness/backup/object-store.js';
import { listObjects } from '../../harness/backup/object-transfer.js';
import {
  NodeDefinition,
  openTopologyContext,
  RunContext,
  startS3Server,
  type S3Server,
  type StartedNode,
} from '../../harness/runtime/index.js';
import { cli, leftovers, quiet, restoreTestCli, type RestoreTestResult } from './helpers.js';

/**
 * `snapshot --upload`: the nightly job records the state and ships the backup it took with it to S3, in the layout
 * restore-test and chain verify read; the backup is then restore-tested from the store with the read-only keys. Its
 * failures keep the exit-code contract: a backup that is not there is exit 1, a store that cannot be written exit 2,
 * found before the snapshot starts. A MariaDB 10.11 server and the test store (moto, signatures checked).
 */
let run: RunContext;
let team: StartedNode;
let s3: S3Server;
let store: ObjectStore;
let dir: string;
let env: Record<string, string>;
const BUCKET = 'nightly';
const dsn = (n: StartedNode) => `mysql://firedrill:\${FD_TEST_PW}@${n.address}:3306`;
const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';
const keysUnder = async (prefix: string) => (await listObjects(store, { bucket: BUCKET, key: prefix })).map((o) => o.key);
const snapshot = (out: string, ...more: string[]) => cli(['snapshot', '--source', dsn(team), '--out', join(dir, out), ...more], { env });

beforeAll(async () => {
  run = new RunContext();
  const ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  team = await new NodeDefinition(ctx, { name: 'team-db', server: { serverId: 1 } }).start();
  s3 = await startS3Server(run, quiet);
  store = openObjectStore(s3.env);
  await store.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  env = { ...s3.env, FD_TEST_PW: ctx.creds.adminPassword };
  dir = await mkdtemp(join(tmpdir(), 'fd-upload-test-'));
  for (const sql of [
    'CREATE DATABASE app',
    'CREATE TABLE app.orders (id INT PRIMARY KEY, amount DECIMAL(10,2))',
    'INSERT INTO app.orders SELECT seq, seq * 1.5 FROM app.seq_1_to_500',
  ])
    await team.query({ sql });
  // the team's backup, taken by hand on a quiet server and copied out, as their job leaves it on the backup host
  await team.container.exec(['mariadb-backup', '--backup', '--user=root', '--target-dir=/tmp/full']);
  await team.container.copyOut('/tmp/full', join(dir, 'full'));
}, 10 * 60_000);

afterAll(async () => {
  await run?.teardown();
  if (run) expect(await leftovers(run.runId)).toEqual([]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('snapshot --upload ships the backup and its state to S3 (MariaDB 10.11)', () => {
  it('the folder (with SHA256SUMS) and state.json land under the folder given; restore-test from the store with the read-only keys equals the state (exit 0)', async () => {
    const r = await snapshot('state.json', '--upload', `s3://${BUCKET}/db1/2026-12-08/`, '--artifact', join(dir, 'full'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const keys = await keysUnder('db1/2026-12-08/');
    expect(keys).toContain('db1/2026-12-08/state.json');
    expect(keys).toContain('db1/2026-12-08/full/SHA256SUMS');
    expect(keys).toContain('db1/2026-12-08/full/xtrabackup_checkpoints');
    expect(JSON.parse(r.stdout).uploaded.artifact.url).toBe(`s3://${BUCKET}/db1/2026-12-08/full/`);
    const reader = { FIREDRILL_S3_ENDPOINT: s3.endpoint, AWS_REGION: 'us-east-1', ...s3.reader };
    const t = await restoreTestCli<RestoreTestResult>(
      ['--flavor', 'mariadb-10.11', '--artifact', `s3://${BUCKET}/db1/2026-12-08/full/`, '--expect', join(dir, 'state.json')],
      reader,
    );
    expect(t.code, t.stderr).toBe(0);
    expect(t.result?.checks.filter((c) => !c.valid)).toEqual([]);
  });

  it('a backup that is not where --artifact says: exit 1, and nothing is uploaded (no state without its backup)', async () => {
    const r = await snapshot('state-missing.json', '--upload', `s3://${BUCKET}/db1/missing/`, '--artifact', join(dir, 'no-such-backup'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/left nothing at .*no-such-backup: nothing to upload/);
    expect(await keysUnder('db1/missing/')).toEqual([]);
  });

  it('a store that is down: exit 2 with one line before anything is recorded; a folder without a trailing /: exit 2', async () => {
    const down = await cli(['snapshot', '--source', dsn(team), '--out', join(dir, 'never.json'), '--upload', `s3://${BUCKET}/db1/x/`], {
      env: { ...env, FIREDRILL_S3_ENDPOINT: 'http://127.0.0.1:9' },
    });
    expect(down.code).toBe(2);
    expect(lastLine(down.stderr)).toMatch(/unreachable/);
    await expect(stat(join(dir, 'never.json'))).rejects.toThrow(/ENOENT/);
    const bad = await snapshot('never.json', '--upload', `s3://${BUCKET}/db1`);
    expect(bad.code).toBe(2);
    expect(lastLine(bad.stderr)).toMatch(/give a folder of the bucket ending with \//);
  });
});
