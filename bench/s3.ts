// restore-test of one backup from S3 and from a local path, back to back (a part of bench/size.ts: --only s3).
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { openObjectStore } from '../harness/backup/object-store.js';
import { uploadFolder } from '../harness/backup/object-transfer.js';
import { run as exec } from '../harness/exec/index.js';
import { projectRoot, type RunContext, startS3Server } from '../harness/runtime/index.js';
import type { Pair } from './types.js';

/** What one restore-test said about itself (its --json result). */
interface Timed {
  wallMs: number;
  rtoMs: number;
  fetch?: { bytes: number; mibPerSecond: number; ms: number };
}

/** One `firedrill restore-test --json` as a nightly job runs it; anything but exit 0 ends the measurement. */
async function restoreTest(artifact: string, flavor: string, env: Record<string, string>): Promise<Timed> {
  const t0 = performance.now();
  const r = await exec(
    [process.execPath, join(projectRoot, 'bin', 'firedrill.mjs'), 'restore-test', '--json', '--flavor', flavor, '--artifact', artifact],
    { env, timeoutMs: 3_600_000, okExitCodes: [0, 1, 2] },
  );
  const wallMs = Math.round(performance.now() - t0);
  if (r.exitCode !== 0) throw new Error(`restore-test of ${artifact} exited ${r.exitCode}: ${r.stderr.trim().split('\n').pop()}`);
  const res = JSON.parse(r.stdout) as {
    rto: { ms: number };
    observations: { objectStore?: { bytes: number; mibPerSecond: number } };
    phases: Array<{ name: string; durationMs: number }>;
  };
  const o = res.observations.objectStore;
  const fetchMs = res.phases.find((p) => p.name === 'fetch')?.durationMs;
  return { wallMs, rtoMs: res.rto.ms, ...(o && fetchMs !== undefined ? { fetch: { ...o, ms: fetchMs } } : {}) };
}

/**
 * The same firedrill artifact restore-tested from the local S3 store (moto, in a container of the run) and from its
 * local folder, `reps` times each, alternating which goes first; the fastest of each is kept, and the note gives the
 * fetch phase's bytes and rate (the bandwidth the restore used) and the upload's.
 */
export async function s3RestorePair(
  run: RunContext,
  artifactDir: string,
  flavor: string,
  reps: number,
  progress: (m: string) => void,
): Promise<Pair> {
  const s3 = await startS3Server(run, progress);
  const store = openObjectStore({ ...s3.env });
  await store.client.send(new CreateBucketCommand({ Bucket: 'bench' }));
  const t0 = performance.now();
  const up = await uploadFolder(store, artifactDir, { bucket: 'bench', key: 'artifact' }, 16 * 1024 * 1024);
  const upMs = performance.now() - t0;
  const upBytes = up.reduce((n, u) => n + u.bytes, 0);
  progress(`uploaded ${upBytes} bytes in ${Math.round(upMs)} ms`);
  const env = { FIREDRILL_S3_ENDPOINT: s3.endpoint, AWS_REGION: 'us-east-1', ...s3.reader };
  const fromS3: Timed[] = [];
  const local: Timed[] = [];
  for (let i = 0; i < reps; i++) {
    for (const which of i % 2 === 0 ? (['local', 's3'] as const) : (['s3', 'local'] as const)) {
      if (which === 's3') fromS3.push(await restoreTest('s3://bench/artifact/', flavor, env));
      else local.push(await restoreTest(artifactDir, flavor, {}));
      progress(`restore-test from ${which}: ${which === 's3' ? fromS3.at(-1)!.wallMs : local.at(-1)!.wallMs} ms`);
    }
  }
  const best = (xs: Timed[]) => xs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const s = best(fromS3);
  const l = best(local);
  const mib = (n: number) => (n / 1024 / 1024).toFixed(0);
  return {
    harnessMs: s.wallMs,
    baselineMs: l.wallMs,
    harnessRuns: fromS3.map((x) => x.wallMs),
    baselineRuns: local.map((x) => x.wallMs),
    note:
      `from S3: restore time ${(s.rtoMs / 1000).toFixed(1)} s, of which fetch ${((s.fetch?.ms ?? 0) / 1000).toFixed(1)} s for ${mib(s.fetch?.bytes ?? 0)} MiB ` +
      `(${s.fetch?.mibPerSecond ?? '?'} MiB/s read from the store); from the local path: restore time ${(l.rtoMs / 1000).toFixed(1)} s; ` +
      `upload ${mib(upBytes)} MiB in ${(upMs / 1000).toFixed(1)} s (${(upBytes / 1024 / 1024 / Math.max(0.001, upMs / 1000)).toFixed(1)} MiB/s, multipart 16 MiB parts)`,
  };
}
