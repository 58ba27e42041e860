import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { UsageError } from '../core/index.js';
import { type ByteSource, fileSource, readBinlogHeaders } from '../backup/binlog-headers.js';
import { classifyStoreError, isS3Url, type ObjectStore, parseS3Url } from '../backup/object-store.js';
import { listObjects, readObjectHead } from '../backup/object-transfer.js';
import type { ChainBackup, ChainBinlog } from './chain.js';
import { MARIABACKUP_FILES, readMariabackupFiles } from './artifact-kinds/mariabackup.js';
import { type ChainState, isStateName, stateOf, stateOfBackup } from './chain-states.js';
import { newPackageEntries, type PackageEntries, packageBackups, packageIdOf, type PackagesSeen } from './chain-packages.js';

const BINLOG_NAME = /\.\d{6,}$/;
const CHECKPOINT_NAMES = new Set(MARIABACKUP_FILES().filter((n) => n.endsWith('checkpoints')));
/** The folder CLONE LOCAL DATA DIRECTORY leaves in a MySQL clone. */
const CLONE_MARKER = '#clone';

/** What a location holds, read from metadata and headers only. */
export interface ScannedLocation {
  backups: ChainBackup[];
  binlogs: ChainBinlog[];
  /** The states recorded in it (`firedrill snapshot`): the points that can be compared after a restore. */
  states: ChainState[];
  /** The firedrill packages in it (listed among `backups`), and whether their sidecars were authenticated. */
  packages: PackagesSeen;
  /** Bytes read to judge it (metadata files and event headers). */
  bytesRead: number;
}

/**
 * A MySQL clone folder: a full backup whose point is the state recorded with it (a clone records its GTID only inside
 * its InnoDB tables, and performance_schema.clone_status stays empty for a local clone). Without a state it is listed,
 * and gives no recovery window.
 */
function cloneBackup(name: string, bytes: number, states: readonly ChainState[]): ChainBackup {
  const st = stateOfBackup(name, states);
  return {
    name,
    bytes,
    kind: 'full',
    ...(st?.takenAt ? { createdAt: st.takenAt } : {}),
    ...(st ? { gtid: st.gtid } : {}),
  };
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
async function scanFolder(root: string, key: Buffer | undefined): Promise<ScannedLocation> {
  const out = emptyScan();
  const clones: Array<{ name: string; bytes: number }> = [];
  const packages = newPackageEntries();
  const walk = async (dir: string, rel: string, depth: number) => {
    const entries = await readdir(dir, { withFileTypes: true });
    if (entries.some((e) => e.isDirectory() && e.name === CLONE_MARKER)) {
      clones.push({ name: rel || '.', bytes: await folderBytes(dir) });
      return;
    }
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
      const pkg = e.isFile() ? packageIdOf(r) : undefined;
      if (e.isDirectory() && depth < 4) await walk(p, r, depth + 1);
      else if (pkg !== undefined && r.endsWith('.json')) {
        const text = await readFile(p, 'utf8');
        out.bytesRead += text.length;
        packages.sidecars.set(pkg, text);
      } else if (pkg !== undefined) packages.files.set(pkg, (await stat(p)).size);
      else if (e.isFile() && isStateName(e.name)) {
        const text = await readFile(p, 'utf8');
        out.bytesRead += text.length;
        const st = stateOf(r, text);
        if (st) out.states.push(st);
      } else if (e.isFile() && BINLOG_NAME.test(e.name)) {
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
  for (const c of clones) out.backups.push(cloneBackup(c.name, c.bytes, out.states));
  return withPackages(out, packages, key);
}

const emptyScan = (): ScannedLocation => ({
  backups: [],
  binlogs: [],
  states: [],
  packages: { count: 0, authenticated: false, otherKey: [] },
  bytesRead: 0,
});

/** The packages found, as backups (read after the states: a package without a point takes the state beside it). */
function withPackages(out: ScannedLocation, entries: PackageEntries, key: Buffer | undefined): ScannedLocation {
  const { backups, seen } = packageBackups(entries, out.states, key);
  out.backups.push(...backups);
  out.packages = seen;
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
async function scanStore(store: ObjectStore, url: string, key: Buffer | undefined): Promise<ScannedLocation> {
  const at = parseS3Url(url);
  const prefix = at.key === '' ? '' : at.key.replace(/\/?$/, '/');
  const out = emptyScan();
  const objects = await listObjects(store, { bucket: at.bucket, key: prefix });
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const rel = (key: string) => key.slice(prefix.length);
  const sizeUnder = (f: string) => objects.filter((o) => o.key.startsWith(f)).reduce((n, o) => n + o.size, 0);
  for (const o of objects.filter((x) => isStateName(x.key.split('/').pop()!))) {
    const buf = await readObjectHead(store, { bucket: at.bucket, key: o.key }, o.size + 1);
    out.bytesRead += buf.length;
    const st = stateOf(rel(o.key), buf.toString('utf8'));
    if (st) out.states.push(st);
  }
  const clones = [...new Set(objects.map((o) => /^(.*?\/)#clone\//.exec(o.key)?.[1]).filter((f): f is string => !!f))];
  for (const f of clones) out.backups.push(cloneBackup(rel(f).replace(/\/$/, '') || '.', sizeUnder(f), out.states));
  const folders = [
    ...new Set(objects.filter((o) => CHECKPOINT_NAMES.has(o.key.split('/').pop()!)).map((o) => o.key.replace(/[^/]+$/, ''))),
  ];
  for (const f of folders) {
    const b = toBackup(
      rel(f).replace(/\/$/, '') || '.',
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
      sizeUnder(f),
    );
    if (b) out.backups.push(b);
  }
  const packages = newPackageEntries();
  for (const o of objects) {
    const name = o.key.split('/').pop()!;
    if ([...folders, ...clones].some((f) => o.key.startsWith(f))) continue;
    const pkg = packageIdOf(rel(o.key));
    if (pkg !== undefined && name.endsWith('.json')) {
      const buf = await readObjectHead(store, { bucket: at.bucket, key: o.key }, Math.min(o.size, 64 * 1024) + 1);
      out.bytesRead += buf.length;
      packages.sidecars.set(pkg, buf.toString('utf8'));
    } else if (pkg !== undefined) packages.files.set(pkg, o.size);
    else if (BINLOG_NAME.test(name))
      out.binlogs.push({
        name,
        folder: rel(o.key).replace(/\/?[^/]+$/, '') || '.',
        headers: await readBinlogHeaders(counted(objectSource(store, at.bucket, o.key, o.size), out)),
      });
  }
  return withPackages(out, packages, key);
}

/** One small file of a location (a state), read whole: `rel` is relative to the folder or the s3:// prefix. */
export async function readLocationFile(location: string, rel: string, store?: ObjectStore): Promise<string> {
  if (!isS3Url(location)) return readFile(join(location, rel), 'utf8');
  if (!store) throw new UsageError(`${location}: no object store configured`);
  const at = parseS3Url(location);
  const key = `${at.key === '' ? '' : at.key.replace(/\/?$/, '/')}${rel}`;
  const [o] = (await listObjects(store, { bucket: at.bucket, key })).filter((x) => x.key === key);
  if (!o) throw new UsageError(`s3://${at.bucket}/${key}: gone from the store while it was read`);
  return (await readObjectHead(store, { bucket: at.bucket, key }, o.size + 1)).toString('utf8');
}

/** The server family a location's binlogs (else its states) come from. */
export const familyOfLocation = (s: ScannedLocation): 'mariadb' | 'mysql' =>
  s.binlogs[0]?.headers.family ?? s.states[0]?.family ?? s.packages.family ?? 'mariadb';

/**
 * Reads a backup location (a folder, or s3://bucket/prefix/ with `store`) from metadata and headers only; `key`, the
 * package key when the environment gives one, authenticates the packages' sidecars.
 */
export async function scanLocation(location: string, store?: ObjectStore, key?: Buffer): Promise<ScannedLocation> {
  if (isS3Url(location)) {
    if (!store) throw new UsageError(`${location}: no object store configured`);
    return scanStore(store, location, key);
  }
  const s = await stat(location).catch(() => undefined);
  if (!s?.isDirectory()) throw new UsageError(`--location ${location}: not a folder`);
  return scanFolder(location, key);
}
