import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { UsageError } from '../core/index.js';
import { classifyStoreError, type ObjectStore, type S3Address, s3Url } from './object-store.js';
import { type Uploaded, uploadFile, uploadFolder } from './object-transfer.js';

/** Where `snapshot --upload` ships a backup: a "folder" of the store (the key ends with `/`). */
export function uploadPrefix(at: S3Address): S3Address {
  if (!at.key.endsWith('/') || at.key === '/')
    throw new UsageError(`--upload ${s3Url(at)}: give a folder of the bucket ending with / (s3://bucket/db1/2026-12-08/)`);
  return at;
}

/** Before the backup runs: the bucket answers to these keys (a store that is down or refuses them is exit 2 now). */
export async function storeReachable(store: ObjectStore, at: S3Address): Promise<void> {
  try {
    await store.client.send(new HeadBucketCommand({ Bucket: at.bucket }));
  } catch (e) {
    throw classifyStoreError(e, `s3://${at.bucket}`, store);
  }
}

export interface ShippedBackup {
  /** The backup's objects (a folder's files with its SHA256SUMS, or one file with its `.sha256`). */
  artifact?: { url: string; objects: number; bytes: number };
  /** `<prefix>state.json`, uploaded last: a state in the store says the backup before it arrived whole. */
  state: { url: string; bytes: number };
}

/**
 * Ships a backup and the state recorded with it, in the layout `chain verify` and `restore-test --point` read:
 * `<prefix><artifact name>` (a folder under its name, with SHA256SUMS; a file with a `.sha256` sidecar) and
 * `<prefix>state.json`. The state goes last, so a reader that finds it finds the backup complete.
 */
export async function shipBackup(
  store: ObjectStore,
  at: S3Address,
  files: { artifact?: string; state: string },
  progress: (m: string) => void,
): Promise<ShippedBackup> {
  const out: ShippedBackup = { state: { url: '', bytes: 0 } };
  if (files.artifact) {
    const st = await stat(files.artifact).catch(() => undefined);
    if (!st) throw new MissingBackupError(`the backup command left nothing at ${files.artifact}: nothing to upload`);
    const dest: S3Address = { bucket: at.bucket, key: `${at.key}${basename(files.artifact)}${st.isDirectory() ? '/' : ''}` };
    progress(`uploading ${files.artifact} to ${s3Url(dest)}`);
    const t0 = Date.now();
    const up: Uploaded[] = st.isDirectory()
      ? await uploadFolder(store, files.artifact, dest)
      : [await uploadFile(store, files.artifact, dest)];
    const bytes = up.reduce((s, u) => s + u.bytes, 0);
    const secs = Math.max((Date.now() - t0) / 1000, 0.001);
    progress(
      `uploaded ${up.length} object(s), ${(bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s (${(bytes / 1e6 / secs).toFixed(1)} MB/s)`,
    );
    out.artifact = { url: s3Url(dest), objects: up.length, bytes };
  }
  const stateAt: S3Address = { bucket: at.bucket, key: `${at.key}state.json` };
  const s = await uploadFile(store, files.state, stateAt);
  out.state = { url: s3Url(stateAt), bytes: s.bytes };
  return out;
}

/** The backup command succeeded but wrote nothing where --artifact said: the backup job is broken (exit 1). */
export class MissingBackupError extends Error {}
