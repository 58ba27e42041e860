import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { MANIFEST_FILE, parseBinlogInfo, parseManifest, parseSlaveInfo, type Manifest } from '../backup/index.js';
import { UsageError, flavorOfSeries, seriesOf, type Family, type Flavor } from '../core/index.js';

/**
 * What a backup made outside firedrill (or by firedrill) is, found from its own contents: Vitess's
 * BackupRestoreEngine picks the engine from the MANIFEST; a backup without a manifest is recognised by what its
 * tool leaves in it (mariabackup's checkpoints and info files, the clone plugin's #clone folder, InnoDB's system
 * files, a dump's header and trailer, mbstream's chunk magic). The restore then picks its method from this.
 */
/** What a backup is; 'in-object-store' only for one that could not be read out of object storage (missing, damaged). */
type ArtifactKind =
  | 'firedrill-artifact'
  | 'firedrill-package'
  | 'mariabackup'
  | 'mbstream'
  | 'mysql-clone'
  | 'datadir'
  | 'dump'
  | 'in-object-store';

export interface DetectedArtifact {
  kind: ArtifactKind;
  path: string;
  /** One line for people: "an unprepared mariabackup directory (MariaDB 10.11.18)". */
  description: string;
  family?: Family;
  /** Server version the backup was taken from (x.y.z), when the backup says. */
  version?: string;
  /** When the backup was taken, and where that was read. */
  createdAt?: string;
  createdAtFrom?: string;
  /** The GTID position the backup records, when it records one. */
  gtid?: string;
  // mariabackup
  prepared?: boolean;
  lsn?: { from: number; to: number; last: number };
  /** A chain given as a folder: the full backup's own directory (path is the folder). */
  fullPath?: string;
  incrementals?: DetectedArtifact[];
  // dumps
  compression?: 'none' | 'gzip' | 'zstd';
  /** Databases the dump creates (its "Current Database" lines). */
  dumpDatabases?: string[];
  /** Set when the dump is damaged or incomplete: a bad backup (exit 1), not bad input. */
  damaged?: string;
  bytes?: number;
  manifest?: Manifest;
}

/** A path that is not a backup firedrill can restore, or one of the wrong flavor: exit 2 with this line. */
export class NotABackupError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'NotABackupError';
  }
}

const exists = async (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

async function readFirst(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const n of names) {
    try {
      return await readFile(join(dir, n), 'utf8');
    } catch {
      /* next name */
    }
  }
  return undefined;
}

/** `key = value` lines of mariabackup's checkpoints and info files. */
function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** "10.11.18-MariaDB-0+deb12u1-log" → { family, version: '10.11.18' }. */
function parseServerVersion(text: string): { family: Family; version: string } | undefined {
  const m = /(\d+\.\d+\.\d+)/.exec(text);
  if (!m) return undefined;
  return { family: /mariadb/i.test(text) ? 'mariadb' : 'mysql', version: m[1]! };
}

/** A local time as the tools write it ("2026-11-29 06:54:41", "2026-11-29  6:54:52") read in this machine's zone. */
export function parseToolTime(text: string): string | undefined {
  const m = /(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2}):(\d{2})/.exec(text);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export const MARIABACKUP_FILES = () => [...CHECKPOINTS, ...INFO, ...SLAVE_INFO, ...BINLOG_INFO];
const CHECKPOINTS = ['mariadb_backup_checkpoints', 'xtrabackup_checkpoints'];
const INFO = ['mariadb_backup_info', 'xtrabackup_info'];
const SLAVE_INFO = ['mariadb_backup_slave_info', 'xtrabackup_slave_info'];
const BINLOG_INFO = ['mariadb_backup_binlog_info', 'xtrabackup_binlog_info'];

/** Reads a mariabackup directory (full or incremental) from its checkpoints and info files. */
function readMariabackupDir(dir: string): Promise<DetectedArtifact | undefined> {
  return readMariabackupFiles(dir, (names) => readFirst(dir, names));
}

/** The same from a reader of its files by name (the first of the names that exists), e.g. inside a container. */
export async function readMariabackupFiles(
  dir: string,
  read: (names: readonly string[]) => Promise<string | undefined>,
): Promise<DetectedArtifact | undefined> {
  const cp = await read(CHECKPOINTS);
  if (cp === undefined) return undefined;
  const c = parseKeyValues(cp);
  const info = parseKeyValues((await read(INFO)) ?? '');
  const sv = parseServerVersion(info['server_version'] ?? info['ibbackup_version'] ?? info['tool_version'] ?? '');
  const slave = await read(SLAVE_INFO);
  const binlog = await read(BINLOG_INFO);
  const gtid = (slave ? parseSlaveInfo(slave) : undefined) ?? (binlog ? parseBinlogInfo(binlog)?.gtid : undefined);
  const type = c['backup_type'] ?? '';
  const prepared = type === 'log-applied' || type === 'full-prepared';
  const createdAt = parseToolTime(info['end_time'] ?? '') ?? parseToolTime(info['start_time'] ?? '');
  const what =
    type === 'incremental'
      ? 'an incremental mariabackup directory'
      : prepared
        ? 'a prepared mariabackup directory'
        : 'an unprepared mariabackup directory';
  return {
    kind: 'mariabackup',
    path: dir,
    description: `${what}${sv ? ` (${sv.family === 'mariadb' ? 'MariaDB' : 'MySQL'} ${sv.version})` : ''}`,
    family: sv?.family ?? 'mariadb',
    version: sv?.version,
    prepared,
    lsn: { from: Number(c['from_lsn'] ?? 0), to: Number(c['to_lsn'] ?? 0), last: Number(c['last_lsn'] ?? c['to_lsn'] ?? 0) },
    ...(type === 'incremental' ? { incrementals: [] } : {}),
    ...(createdAt ? { createdAt, createdAtFrom: 'the backup info file (end_time)' } : {}),
    ...(gtid ? { gtid } : {}),
  };
}

const isIncremental = (a: DetectedArtifact) => a.incrementals !== undefined && a.lsn !== undefined && a.lsn.from > 0;

/**
 * Orders a full mariabackup and its incrementals by LSN and checks that each one starts where the one before
 * ended. Returns the problem when the chain is broken (a missing or foreign incremental: a bad backup).
 */
export function orderChain(full: DetectedArtifact, incs: readonly DetectedArtifact[]): { chain: DetectedArtifact; broken?: string } {
  // By start, then by end: to_lsn is the last checkpoint and may stay the same across incrementals taken close
  // together; last_lsn always grows.
  const sorted = [...incs].sort((a, b) => (a.lsn?.from ?? 0) - (b.lsn?.from ?? 0) || (a.lsn?.last ?? 0) - (b.lsn?.last ?? 0));
  let to = full.lsn?.to ?? 0;
  for (const i of sorted) {
    if ((i.lsn?.from ?? -1) !== to) {
      return {
        chain: { ...full, incrementals: sorted },
        broken: `incremental ${i.path} starts at LSN ${i.lsn?.from}, but the backup before it ends at LSN ${to}: the chain is broken (an incremental is missing or from another backup)`,
      };
    }
    to = i.lsn!.to;
  }
  const last = sorted[sorted.length - 1];
  return {
    chain: {
      ...full,
      incrementals: sorted,
      ...(last?.gtid ? { gtid: last.gtid } : {}),
      ...(last?.createdAt ? { createdAt: last.createdAt, createdAtFrom: full.createdAtFrom } : {}),
      description: sorted.length
        ? `a mariabackup chain: full + ${sorted.length} incremental(s)${full.version ? ` (MariaDB ${full.version})` : ''}`
        : full.description,
    },
  };
}

async function newestMtime(dir: string, depth = 2): Promise<number> {
  let t = (await stat(dir)).mtimeMs;
  if (depth === 0) return t;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, await newestMtime(p, depth - 1));
    else if (e.isFile()) t = Math.max(t, (await stat(p)).mtimeMs);
  }
  return t;
}

async function detectDirectory(dir: string): Promise<DetectedArtifact> {
  if (await exists(join(dir, MANIFEST_FILE))) {
    let m: Manifest;
    try {
      m = parseManifest(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
    } catch (e) {
      throw new NotABackupError(`${dir}: ${MANIFEST_FILE} is not a firedrill manifest (${(e as Error).message})`);
    }
    const sv = parseServerVersion(m.serverVersion);
    return {
      kind: 'firedrill-artifact',
      path: dir,
      description: `a firedrill artifact (method ${m.method}, ${m.flavor})`,
      family: sv?.family,
      version: sv?.version,
      createdAt: m.createdAt,
      createdAtFrom: 'the manifest (createdAt)',
      gtid: m.position.gtid,
      manifest: m,
    };
  }
  const mb = await readMariabackupDir(dir);
  if (mb) {
    if (isIncremental(mb))
      throw new NotABackupError(
        `${dir} is an incremental mariabackup: give the full backup with --artifact and this one with --incremental`,
      );
    return mb;
  }
  const fileTime = { createdAt: new Date(await newestMtime(dir)).toISOString(), createdAtFrom: "the files' modification time" };
  if (await exists(join(dir, '#clone'))) {
    return {
      kind: 'mysql-clone',
      path: dir,
      description: 'a MySQL clone directory (CLONE ... DATA DIRECTORY)',
      family: 'mysql',
      ...fileTime,
    };
  }
  if ((await exists(join(dir, 'mysql.ibd'))) && ((await exists(join(dir, 'ibdata1'))) || (await exists(join(dir, 'undo_001'))))) {
    return { kind: 'datadir', path: dir, description: 'a MySQL datadir copy', family: 'mysql', ...fileTime };
  }
  if (
    (await exists(join(dir, 'ibdata1'))) &&
    ((await exists(join(dir, 'aria_log_control'))) || (await exists(join(dir, 'mysql', 'global_priv.frm'))))
  ) {
    const upgradeInfo = await readFile(join(dir, 'mysql_upgrade_info'), 'utf8').catch(() => '');
    const sv = parseServerVersion(upgradeInfo);
    return {
      kind: 'datadir',
      path: dir,
      description: `a MariaDB datadir copy${sv ? ` (MariaDB ${sv.version})` : ''}`,
      family: 'mariadb',
      version: sv?.version,
      ...fileTime,
    };
  }
  // A folder holding a full mariabackup and its incrementals.
  const subs: DetectedArtifact[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const s = await readMariabackupDir(join(dir, e.name));
    if (s) subs.push(s);
  }
  const fulls = subs.filter((s) => !isIncremental(s));
  if (fulls.length === 1) {
    const { chain, broken } = orderChain(fulls[0]!, subs.filter(isIncremental));
    return { ...chain, path: dir, fullPath: fulls[0]!.path, ...(broken ? { damaged: broken } : {}) };
  }
  if (fulls.length > 1)
    throw new NotABackupError(
      `${dir} holds ${fulls.length} full mariabackups (${fulls.map((f) => basename(f.path)).join(', ')}): point --artifact at one of them`,
    );
  throw new NotABackupError(
    `${dir} is not a backup: no firedrill manifest, no mariabackup checkpoints file, no clone marker, no InnoDB datadir files`,
  );
}

const GZIP = Buffer.from([0x1f, 0x8b]);
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const XBSTREAM = Buffer.from('XBSTCK01');
/** Every version of firedrill's package format starts with FDPKG, its version digit and a newline. */
const FDPKG = Buffer.from('FDPKG');

/** What a dump's text says about itself, from its first and last bytes and its "Current Database" lines. */
export interface DumpFacts {
  header: boolean;
  family?: Family;
  version?: string;
  completedAt?: string;
  trailer: boolean;
  gtid?: string;
  databases: string[];
}

export function dumpFacts(head: string, tail: string, databases: readonly string[]): DumpFacts {
  const header = /^(?:\/\*M?!\d+[^\n]*\n)?-- (?:MySQL|MariaDB) dump /m.test(head.slice(0, 400));
  const sv = /^-- Server version\s+(.+)$/m.exec(head)?.[1];
  const parsed = sv ? parseServerVersion(sv) : undefined;
  const family: Family | undefined =
    parsed?.family ?? (/^-- MariaDB dump/m.test(head) ? 'mariadb' : /^-- MySQL dump/m.test(head) ? 'mysql' : undefined);
  const completed = /-- Dump completed on (.+)\s*$/.exec(tail)?.[1];
  const purged = /GTID_PURGED\s*=\s*(?:\/\*!\d+ '\+'\*\/\s*)?'([^']*)'/i.exec(head)?.[1];
  const slavePos = /gtid_slave_pos\s*=\s*'([^']*)'/i.exec(tail)?.[1] ?? /gtid_slave_pos\s*=\s*'([^']*)'/i.exec(head)?.[1];
  // mysqldump breaks a set of several source uuids over lines inside the quotes
  const gtid = (purged ?? slavePos)?.replace(/\s+/g, '');
  return {
    header,
    family,
    version: parsed?.version,
    ...(completed ? { completedAt: parseToolTime(completed) } : {}),
    trailer: !!completed,
    ...(gtid !== undefined ? { gtid } : {}),
    databases: [...databases],
  };
}

/** Streams a (compressed) dump once: its head, its tail, its "Current Database" lines, and whether it decompresses. */
async function scanDump(
  path: string,
  compression: 'none' | 'gzip' | 'zstd',
): Promise<{ head: string; tail: string; databases: string[]; bytes: number; error?: string }> {
  const HEAD = 64 * 1024;
  const TAIL = 16 * 1024;
  let head = '';
  let tail = '';
  let bytes = 0;
  let carry = '';
  const databases = new Set<string>();
  let source: NodeJS.ReadableStream;
  let zstdExit: Promise<string | undefined> = Promise.resolve(undefined);
  if (compression === 'zstd') {
    const p = spawn('zstd', ['-dc', '--', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    zstdExit = new Promise((res) =>
      p.on('close', (code) => res(code === 0 ? undefined : `zstd: ${err.trim().split('\n').pop() ?? `exit ${code}`}`)),
    );
    source = p.stdout;
  } else {
    const raw = createReadStream(path);
    source = compression === 'gzip' ? raw.pipe(createGunzip()) : raw;
    raw.on('error', (e) => (source as unknown as { destroy(e: Error): void }).destroy(e));
  }
  let error: string | undefined;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      const s = chunk.toString('latin1');
      if (head.length < HEAD) head += s.slice(0, HEAD - head.length);
      tail = (tail + s).slice(-TAIL);
      const text = carry + s;
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      if (carry.length > 4096) carry = carry.slice(-4096);
      for (const l of lines) if (l.startsWith('-- Current Database: `')) databases.add(l.slice(22, l.lastIndexOf('`')).replace(/``/g, '`'));
    }
  } catch (e) {
    error = `${compression === 'gzip' ? 'gzip' : 'read'}: ${(e as Error).message}`;
  }
  error = error ?? (await zstdExit);
  return { head, tail, databases: [...databases], bytes, ...(error ? { error } : {}) };
}

async function detectFile(path: string): Promise<DetectedArtifact> {
  const fh = await open(path, 'r');
  const magic = Buffer.alloc(16);
  let n: number;
  try {
    ({ bytesRead: n } = await fh.read(magic, 0, 16, 0));
  } finally {
    await fh.close();
  }
  const b = magic.subarray(0, n);
  const st = await stat(path);
  const fileTime = { createdAt: st.mtime.toISOString(), createdAtFrom: "the file's modification time" };
  if (b.subarray(0, FDPKG.length).equals(FDPKG) && /^\d\n$/.test(b.subarray(FDPKG.length, FDPKG.length + 2).toString('latin1'))) {
    return {
      kind: 'firedrill-package',
      path,
      description: 'a firedrill artifact package (zstd + AES-256-GCM)',
      bytes: st.size,
      ...fileTime,
    };
  }
  if (b.subarray(0, XBSTREAM.length).equals(XBSTREAM)) {
    return {
      kind: 'mbstream',
      path,
      description: 'an mbstream (xbstream) file of mariadb-backup --stream',
      family: 'mariadb',
      bytes: st.size,
      ...fileTime,
    };
  }
  const compression = b.subarray(0, 2).equals(GZIP) ? 'gzip' : b.subarray(0, 4).equals(ZSTD) ? 'zstd' : 'none';
  const scan = await scanDump(path, compression);
  const f = dumpFacts(scan.head, scan.tail, scan.databases);
  if (!f.header && scan.error) {
    // Compressed data that breaks off before any of it can be read: a damaged file, judged as a bad backup.
    return {
      kind: 'dump',
      path,
      description: `a ${compression} file that does not decompress`,
      compression,
      bytes: scan.bytes,
      ...fileTime,
      damaged: `the ${compression} data does not decompress (${scan.error}): truncated or corrupt`,
    };
  }
  if (!f.header) {
    throw new NotABackupError(
      `${path} is not a backup: not a firedrill artifact or package, not mbstream, and not a mysqldump / mariadb-dump file (no dump header)`,
    );
  }
  const damaged = scan.error
    ? `the dump does not decompress whole: ${scan.error}`
    : !f.trailer
      ? `the dump is incomplete: it has a header but no "-- Dump completed" line at its end (truncated?)`
      : undefined;
  const zipped = compression === 'none' ? '' : compression === 'gzip' ? ' (gzip)' : ' (zstd)';
  return {
    kind: 'dump',
    path,
    description: `a ${f.family === 'mariadb' ? 'mariadb-dump' : 'mysqldump'} file${zipped}${f.version ? ` of ${f.family === 'mariadb' ? 'MariaDB' : 'MySQL'} ${f.version}` : ''}`,
    family: f.family,
    version: f.version,
    compression,
    dumpDatabases: f.databases,
    bytes: scan.bytes,
    ...(f.completedAt ? { createdAt: f.completedAt, createdAtFrom: 'the dump\'s "Dump completed" line' } : fileTime),
    ...(f.gtid !== undefined ? { gtid: f.gtid } : {}),
    ...(damaged ? { damaged } : {}),
  };
}

/**
 * Finds what an artifact is. `incrementals` (mariabackup --incremental-dir folders) make a chain with the full
 * backup at `path`. Throws NotABackupError (exit 2) for anything that is not a backup.
 */
export async function detectArtifact(path: string, incrementals: readonly string[] = []): Promise<DetectedArtifact> {
  const p = resolve(path);
  const st = await stat(p).catch(() => undefined);
  if (!st) throw new NotABackupError(`${path}: no such file or directory`);
  const a = st.isDirectory() ? await detectDirectory(p) : st.isFile() ? await detectFile(p) : undefined;
  if (!a) throw new NotABackupError(`${path} is not a file or a directory`);
  if (incrementals.length === 0) return a;
  if (a.kind !== 'mariabackup' || a.incrementals?.length)
    throw new NotABackupError(`--incremental applies to a full mariabackup directory; ${path} is ${a.description}`);
  const incs: DetectedArtifact[] = [];
  for (const i of incrementals) {
    const d = await readMariabackupDir(resolve(i));
    if (!d || !isIncremental(d))
      throw new NotABackupError(`${i} is not an incremental mariabackup directory (no checkpoints file with backup_type = incremental)`);
    incs.push(d);
  }
  const { chain, broken } = orderChain(a, incs);
  return { ...chain, ...(broken ? { damaged: broken } : {}) };
}

const series = (v: string) => v.split('.').slice(0, 2).map(Number) as [number, number];
const cmpSeries = (a: string, b: string) => {
  const [x, y] = series(a);
  const [p, q] = series(b);
  return x !== p ? x - p : y - q;
};

/**
 * Refuses an artifact the flavor cannot restore (exit 2): the other server family, a newer version than the
 * flavor's, or a mariabackup of another series (mariadb-backup prepares only backups of its own series).
 */
export function checkFlavor(a: DetectedArtifact, f: Flavor): void {
  const name = (fam: Family) => (fam === 'mariadb' ? 'MariaDB' : 'MySQL');
  if (a.family && a.family !== f.family) {
    throw new NotABackupError(
      `${a.path} is ${a.description}: a ${name(a.family)} backup cannot be restored with --flavor ${f.id} (${name(f.family)})`,
    );
  }
  if (!a.version) return;
  const fs = f.series;
  const physicalMaria =
    a.kind === 'mariabackup' || a.kind === 'mbstream' || (a.kind === 'firedrill-artifact' && a.manifest?.method === 'mariabackup');
  if (physicalMaria && cmpSeries(a.version, fs) !== 0) {
    const ofSeries = flavorOfSeries(f.family, seriesOf(a.version));
    throw new NotABackupError(
      `${a.path} is ${a.description}: mariadb-backup restores only backups of its own series; use the flavor of ${seriesOf(a.version)} (${ofSeries ? `--flavor ${ofSeries.id}` : 'firedrill defines none yet'}), not ${f.id}`,
    );
  }
  if (cmpSeries(a.version, fs) > 0) {
    throw new NotABackupError(
      `${a.path} is ${a.description}: a backup of ${name(a.family ?? f.family)} ${a.version} cannot be restored on the older ${f.id} (no downgrades)`,
    );
  }
}
