/**
 * A logical dump of mysqldump or mariadb-dump (plain, gzip or zstd; of some databases or the whole server): known by
 * its header, complete by its "Dump completed" trailer, positioned by its GTID_PURGED or gtid_slave_pos line.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Family } from '../../core/index.js';
import { type ArtifactDetector, fileTime, parseServerVersion, parseToolTime } from './detected.js';

const GZIP = Buffer.from([0x1f, 0x8b]);
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** What a dump's text says about itself, from its first and last bytes and its "Current Database" lines. */
interface DumpFacts {
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

export const dump: ArtifactDetector = {
  on: 'file',
  lacking: 'not a mysqldump / mariadb-dump file (no dump header)',
  async detect(path, magic) {
    const compression = magic.subarray(0, 2).equals(GZIP) ? 'gzip' : magic.subarray(0, 4).equals(ZSTD) ? 'zstd' : 'none';
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
        ...(await fileTime(path)),
        damaged: `the ${compression} data does not decompress (${scan.error}): truncated or corrupt`,
      };
    }
    if (!f.header) return undefined;
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
      ...(f.completedAt ? { createdAt: f.completedAt, createdAtFrom: 'the dump\'s "Dump completed" line' } : await fileTime(path)),
      ...(f.gtid !== undefined ? { gtid: f.gtid } : {}),
      ...(damaged ? { damaged } : {}),
    };
  },
};
