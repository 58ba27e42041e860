import { writeFile, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { RunContext, startS3Server } from '/work/wt-s3/harness/runtime/index.ts';
import { openObjectStore, uploadFile, downloadObject, listObjects } from '/work/wt-s3/harness/backup/index.ts';
const run = new RunContext();
try {
  const t0 = Date.now();
  const s = await startS3Server(run, console.error);
  console.log('started', Date.now() - t0, s.endpoint);
  const store = openObjectStore({ ...process.env, ...s.env });
  await store.client.send(new CreateBucketCommand({ Bucket: 'backups' }));
  const dir = await mkdtemp('/tmp/fd-smoke-');
  const big = Buffer.alloc(20 * 1024 * 1024 + 123, 7);
  for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
  await writeFile(join(dir, 'a.bin'), big);
  const up = await uploadFile(store, join(dir, 'a.bin'), { bucket: 'backups', key: 'x/a.bin' }, 5 * 1024 * 1024);
  console.log(up);
  console.log(await listObjects(store, { bucket: 'backups', key: 'x/' }));
  const d = await downloadObject(store, { bucket: 'backups', key: 'x/a.bin' }, join(dir, 'b.bin'), { siblings: await listObjects(store, { bucket: 'backups', key: 'x/a.bin' }) });
  console.log(d);
  const d2 = await downloadObject(store, { bucket: 'backups', key: 'x/a.bin' }, join(dir, 'c.bin'));
  console.log(d2);
} finally { await run.teardown(); }
