import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { digestOfEtag, digestOfSidecar, type ExpectedDigest, StreamDigest } from './object-checksum.js';
import { BadObjectError, classifyStoreError, type ObjectStore, type S3Address, s3Url, StoreUnavailableError } from './object-store.js';

export interface ListedObject {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
  storageClass?: string;
}

const SIDECARS = ['sha256', 'sha1', 'md5'] as const;
/** The checksum list a folder upload writes at the folder's root (`sha256sum` format, paths relative to the folder). */
export const SUMS_FILE = 'SHA256SUMS';

/** Every object under a prefix (all pages), in key order. */
export async function listObjects(store: ObjectStore, at: S3Address): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  try {
    do {
      const r = await store.client.send(
        new ListObjectsV2Command({ Bucket: at.bucket, Prefix: at.key, ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const o of r.Contents ?? [])
        out.push({
          key: o.Key!,
          size: Number(o.Size ?? 0),
          ...(o.ETag ? { etag: o.ETag } : {}),
          ...(o.LastModified ? { lastModified: o.LastModified } : {}),
          ...(o.StorageClass ? { storageClass: o.StorageClass } : {}),
        });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  } catch (e) {
    throw classifyStoreError(e, s3Url(at), store);
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** The first `bytes` bytes of an object (a header, a small metadata file), without reading the rest. */
export async function readObjectHead(store: ObjectStore, at: S3Address, bytes: number): Promise<Buffer> {
  try {
    const r = await store.client.send(
      new GetObjectCommand({ Bucket: at.bucket, Key: at.key, Range: `bytes=0-${Math.max(0, bytes - 1)}`, ...store.sse.read }),
    );
    return Buffer.from(await r.Body!.transformToByteArray());
  } catch (e) {
    throw classifyStoreError(e, s3Url(at), store);
  }
}

export interface Downloaded {
  key: string;
  bytes: number;
  /** What the bytes were checked against (none: nothing to check them with, said so). */
  verified: string;
  /** The store's own checksum the SDK validated on the way (x-amz-checksum-*), if it sent one. */
  storeChecksum?: string;
}

const ARCHIVED = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * Streams one object into a private file (0600), hashing it on the way, and checks it against what it must hash to
 * (see ExpectedDigest; `expected` wins, e.g. from a folder's SHA256SUMS) and against its announced length. The SDK
 * validates the store's own checksum when the store sends one. Transport failures are retried twice.
 */
export async function downloadObject(
  store: ObjectStore,
  at: S3Address,
  file: string,
  p: { expected?: ExpectedDigest; siblings?: readonly ListedObject[]; onBytes?: (n: number) => void } = {},
): Promise<Downloaded> {
  const url = s3Url(at);
  let head: HeadObjectCommandOutput;
  try {
    head = await store.client.send(new HeadObjectCommand({ Bucket: at.bucket, Key: at.key, ...store.sse.read }));
  } catch (e) {
    throw classifyStoreError(e, url, store);
  }
  if (head.StorageClass && ARCHIVED.has(head.StorageClass) && !/ongoing-request="false"/.test(head.Restore ?? ''))
    throw new StoreUnavailableError(
      `${url}: the object is in the ${head.StorageClass} storage class and not restored: restore it first (aws s3api restore-object), then test it`,
    );
  if (head.ArchiveStatus)
    throw new StoreUnavailableError(`${url}: the object is in the ${head.ArchiveStatus} tier of Intelligent-Tiering: restore it first`);
  const size = Number(head.ContentLength ?? 0);
  const expected = p.expected ?? (await expectedDigest(store, at, head, p.siblings ?? []));
  await mkdir(dirname(file), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const digest = expected ? new StreamDigest(expected) : undefined;
    let bytes = 0;
    let storeChecksum: string | undefined;
    try {
      const r = await store.client.send(
        new GetObjectCommand({ Bucket: at.bucket, Key: at.key, ChecksumMode: 'ENABLED', ...store.sse.read }),
      );
      const sums = r as unknown as Record<string, unknown>;
      storeChecksum = ['ChecksumCRC64NVME', 'ChecksumCRC32', 'ChecksumCRC32C', 'ChecksumSHA1', 'ChecksumSHA256']
        .map((k) => (sums[k] ? `${k.slice(8)} ${String(sums[k])}` : ''))
        .find(Boolean);
      const count = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          digest?.update(chunk);
          p.onBytes?.(chunk.length);
          cb(null, chunk);
        },
      });
      await pipeline(r.Body as Readable, count, createWriteStream(file, { mode: 0o600 }));
      await chmod(file, 0o600);
    } catch (e) {
      const c = classifyStoreError(e, url, store);
      if (c instanceof StoreUnavailableError && attempt < 3 && /unreachable|dropped/.test(c.message)) continue;
      throw c;
    }
    if (bytes !== size) {
      if (attempt < 3) continue;
      throw new StoreUnavailableError(
        `${url}: the store announced ${size} bytes and sent ${bytes}, ${attempt} times (a dropped connection)`,
      );
    }
    if (!expected)
      return {
        key: at.key,
        bytes,
        verified: 'nothing to check it with (no checksum in the store)',
        ...(storeChecksum ? { storeChecksum } : {}),
      };
    const got = digest!.result();
    if (got.hex !== expected.hex || (got.parts !== undefined && got.parts !== expected.parts))
      throw new BadObjectError(
        'checksum-mismatch',
        url,
        `${url}: ${bytes} bytes that hash to ${expected.algorithm} ${got.hex}, not ${expected.hex} as ${expected.from} says (damaged or truncated in the store)`,
      );
    return { key: at.key, bytes, verified: `${expected.algorithm} from ${expected.from}`, ...(storeChecksum ? { storeChecksum } : {}) };
  }
}

async function expectedDigest(
  store: ObjectStore,
  at: S3Address,
  head: { ETag?: string; PartsCount?: number },
  siblings: readonly ListedObject[],
): Promise<ExpectedDigest | undefined> {
  for (const alg of SIDECARS) {
    const side = siblings.find((s) => s.key === `${at.key}.${alg}`);
    if (!side || side.size > 4096) continue;
    const text = (await readObjectHead(store, { bucket: at.bucket, key: side.key }, 4096)).toString('utf8');
    const d = digestOfSidecar(text, alg, `the sidecar ${side.key}`);
    if (d) return d;
  }
  const plain = digestOfEtag(head.ETag);
  if (plain) return plain;
  if (!/-\d+"?$/.test(head.ETag ?? '')) return undefined;
  // A multipart ETag: its first part's length is the part size.
  try {
    const part = await store.client.send(new HeadObjectCommand({ Bucket: at.bucket, Key: at.key, PartNumber: 1, ...store.sse.read }));
    return digestOfEtag(head.ETag, Number(part.ContentLength ?? 0));
  } catch {
    return undefined;
  }
}

/** Folders under a folder that hold nothing, relative. */
async function emptyFoldersUnder(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    if ((await readdir(p)).length === 0) out.push(relative(root, p).split(sep).join('/'));
    else out.push(...(await emptyFoldersUnder(p, root)));
  }
  return out;
}

/** Files under a folder, relative, in order. */
async function filesUnder(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p, root)));
    else if (e.isFile()) out.push(relative(root, p).split(sep).join('/'));
  }
  return out.sort();
}

export interface Uploaded {
  key: string;
  bytes: number;
  sha256: string;
}

/**
 * Streams a file into the store (multipart above `partSize`, default 8 MiB; the SDK adds its default checksums to
 * every part), with the configured server-side encryption headers, and writes `<key>.sha256` beside it.
 */
export async function uploadFile(store: ObjectStore, file: string, at: S3Address, partSize = 8 * 1024 * 1024): Promise<Uploaded> {
  const hash = createHash('sha256');
  let bytes = 0;
  const source = createReadStream(file).on('data', (c) => {
    hash.update(c as Buffer);
    bytes += (c as Buffer).length;
  });
  try {
    await new Upload({
      client: store.client,
      partSize,
      queueSize: 2,
      leavePartsOnError: false,
      params: { Bucket: at.bucket, Key: at.key, Body: source, ...store.sse.write },
    }).done();
    const sha256 = hash.digest('hex');
    await store.client.send(
      new PutObjectCommand({
        Bucket: at.bucket,
        Key: `${at.key}.sha256`,
        Body: `${sha256}  ${at.key.split('/').pop()}\n`,
        ...store.sse.write,
      }),
    );
    return { key: at.key, bytes, sha256 };
  } catch (e) {
    throw classifyStoreError(e, s3Url(at), store);
  }
}

/** Uploads every file of a folder under a prefix, and a SHA256SUMS object listing them. */
export async function uploadFolder(store: ObjectStore, dir: string, at: S3Address, partSize?: number): Promise<Uploaded[]> {
  const prefix = at.key.replace(/\/?$/, '/');
  const done: Uploaded[] = [];
  const hash = async (f: string) => {
    const h = createHash('sha256');
    await pipeline(createReadStream(f), h);
    return h.digest('hex');
  };
  const lines: string[] = [];
  for (const rel of await filesUnder(dir)) {
    const f = join(dir, rel);
    const key = `${prefix}${rel}`;
    try {
      await new Upload({
        client: store.client,
        ...(partSize ? { partSize } : {}),
        queueSize: 2,
        params: { Bucket: at.bucket, Key: key, Body: createReadStream(f), ...store.sse.write },
      }).done();
    } catch (e) {
      throw classifyStoreError(e, s3Url({ bucket: at.bucket, key }), store);
    }
    const sha256 = await hash(f);
    lines.push(`${sha256}  ${rel}`);
    done.push({ key, bytes: (await stat(f)).size, sha256 });
  }
  try {
    // An empty folder is a zero-byte `name/` object (the S3 console's folder): a MySQL datadir needs its empty mysql/
    for (const rel of await emptyFoldersUnder(dir))
      await store.client.send(new PutObjectCommand({ Bucket: at.bucket, Key: `${prefix}${rel}/`, Body: '', ...store.sse.write }));
    await store.client.send(
      new PutObjectCommand({ Bucket: at.bucket, Key: `${prefix}${SUMS_FILE}`, Body: lines.join('\n') + '\n', ...store.sse.write }),
    );
  } catch (e) {
    throw classifyStoreError(e, s3Url(at), store);
  }
  return done;
}
