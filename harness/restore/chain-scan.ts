import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { UsageError } from '../core/index.js';
import { type ByteSource, fileSource, readBinlogHeaders } from '../backup/binlog-headers.js';
import { classifyStoreError, isS3Url, type ObjectStore, parseS3Url } from '../backup/object-store.js';
import { listObjects, readObjectHead } from '../backup/object-transfer.js';
import type { ChainBackup, ChainBinlog } from './chain.js';
import { MARIABACKUP_FILES, readMariabackupFiles } from './artifact-kinds/mariabackup.js';

const BINLOG_NAME = /\.\d{6,}$/;
const CHECKPOINT_NAMES = new Set(MARIABACKUP_FILES().filter((n) => n.endsWith('checkpoints')));

/** What a location holds, read from metadata and headers only. */
export interface ScannedLocation {
  backups: ChainBackup[];
  binlogs: ChainBinlog[];
  /** Bytes read to judge it (metadata files and event headers). */
  bytesRead: number;
}

function toBackup(name: string, a: Awaited<ReturnType<typeof readMariabackupFiles>>, bytes: number): ChainBackup | undefined {
  if (!a) return undefined;
  return {
    name,
    bytes,
    kind: a.incrementals ? 'incremental' : 'full',
    ...(a.createdAt ? { createdAt: new Date(a.createdAt) } : {}),
    ...(a.gtid ? { gtid: a.gtid } : {}),
    ...(a.lsn ? { lsn: { from: a.lsn.from, to: a.lsn.to } } : {}),
  };
}

/** The bytes of every file under a folder (sizes from the directory entries, no file read). */
async function folderBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += await folderBytes(p);
    else if (e.isFile()) n += (await stat(p)).size;
  }
  return n;
}

/** A local folder: mariabackup folders (full or incremental) at any depth, and binlog files (`name.000001`). */
async function scanFolder(root: string): Promise<ScannedLocation> {
  const out: ScannedLocation = { backups: [], binlogs: [], bytesRead: 0 };
  const walk = async (dir: string, rel: string, depth: number) => {
    const entries = await readdir(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && CHECKPOINT_NAMES.has(e.name))) {
      const b = toBackup(
        rel || '.',
        await readMariabackupFiles(dir, async (names) => {
          for (const n of names) {
            const text = await readFile(join(dir, n), 'utf8').catch(() => undefined);
            if (text !== undefined) {
              out.bytesRead += text.length;
              return text;
            }
          }
          return undefined;
        }),
        await folderBytes(dir),
      );
      if (b) out.backups.push(b);
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && depth < 4) await walk(p, r, depth + 1);
      else if (e.isFile() && BINLOG_NAME.test(e.name)) {
        const src = await fileSource(p);
        try {
          out.binlogs.push({ name: e.name, folder: rel || '.', headers: await readBinlogHeaders(counted(src, out)) });
        } finally {
          await src.close();
        }
      }
    }
  };
  await walk(root, '', 0);
  return out;
}

/** Counts the bytes a source gives. */
function counted(src: ByteSource, out: { bytesRead: number }): ByteSource {
  return {
    size: src.size,
    read: async (p, n) => {
      const b = await src.read(p, n);
      out.bytesRead += b.length;
      return b;
    },
  };
}

/** An object read by ranged GETs of `window` bytes, each kept until a read falls outside it. */
function objectSource(store: ObjectStore, bucket: string, key: string, size: number, window = 256 * 1024): ByteSource {
  let cache: { at: number; buf: Buffer } | undefined;
  return {
    size,
    async read(position, length) {
      if (!cache || position < cache.at || position + length > cache.at + cache.buf.length) {
        const end = Math.min(size, position + Math.max(length, window)) - 1;
        try {
          const r = await store.client.send(
            new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${position}-${end}`, ...store.sse.read }),
          );
          cache = { at: position, buf: Buffer.from(await r.Body!.transformToByteArray()) };
        } catch (e) {
          throw classifyStoreError(e, `s3://${bucket}/${key}`, store);
        }
      }
      return cache.buf.subarray(position - cache.at, position - cache.at + length);
    },
  };
}

/** An `s3://bucket/prefix/` location: the same, through listings, small GETs and ranged reads of binlog headers. */
async function scanStore(store: ObjectStore, url: string): Promise<ScannedLocation> {
  const at = parseS3Url(url);
  const prefix = at.key === '' ? '' : at.key.replace(/\/?$/, '/');
  const out: ScannedLocation = { backups: [], binlogs: [], bytesRead: 0 };
  const objects = await listObjects(store, { bucket: at.bucket, key: prefix });
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const folders = [
    ...new Set(objects.filter((o) => CHECKPOINT_NAMES.has(o.key.split('/').pop()!)).map((o) => o.key.replace(/[^/]+$/, ''))),
  ];
  for (const f of folders) {
    const b = toBackup(
      f.slice(prefix.length).replace(/\/$/, '') || '.',
      await readMariabackupFiles(f, async (names) => {
        for (const n of names) {
          const o = byKey.get(`${f}${n}`);
          if (!o) continue;
          const buf = await readObjectHead(store, { bucket: at.bucket, key: o.key }, Math.min(o.size, 64 * 1024) + 1);
          out.bytesRead += buf.length;
          return buf.toString('utf8');
        }
        return undefined;
      }),
      objects.filter((o) => o.key.startsWith(f)).reduce((n, o) => n + o.size, 0),
    );
    if (b) out.backups.push(b);
  }
  for (const o of objects) {
    const name = o.key.split('/').pop()!;
    if (!BINLOG_NAME.test(name) || folders.some((f) => o.key.startsWith(f))) continue;
    out.binlogs.push({
      name,
      folder: o.key.slice(prefix.length).replace(/\/?[^/]+$/, '') || '.',
      headers: await readBinlogHeaders(counted(objectSource(store, at.bucket, o.key, o.size), out)),
    });
  }
  return out;
}

/** Reads a backup location (a folder, or s3://bucket/prefix/ with `store`) from metadata and headers only. */
export async function scanLocation(location: string, store?: ObjectStore): Promise<ScannedLocation> {
  if (isS3Url(location)) {
    if (!store) throw new UsageError(`${location}: no object store configured`);
    return scanStore(store, location);
  }
  const s = await stat(location).catch(() => undefined);
  if (!s?.isDirectory()) throw new UsageError(`--location ${location}: not a folder`);
  return scanFolder(location);
}
