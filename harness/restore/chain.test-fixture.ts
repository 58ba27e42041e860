import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packArtifact } from '../backup/package-pack.js';

/**
 * A synthetic backup location, written byte for byte in the formats the servers use: mariabackup metadata files and
 * MariaDB binlog files (magic, Format_description with CRC32, Gtid_list, GTID + Xid events, Rotate). Each test plants
 * one break and checks that chain verify names it, and where.
 */
export const T0 = Date.parse('2026-12-01T02:00:00Z') / 1000;

function event(type: number, time: number, body: Buffer, pos: number, crc = true): Buffer {
  const size = 19 + body.length + (crc ? 4 : 0);
  const h = Buffer.alloc(19);
  h.writeUInt32LE(time, 0);
  h[4] = type;
  h.writeUInt32LE(1, 5); // server id
  h.writeUInt32LE(size, 9);
  h.writeUInt32LE(pos + size, 13);
  return Buffer.concat([h, body, crc ? Buffer.alloc(4) : Buffer.alloc(0)]);
}

/** A MariaDB binlog file: its start state (domain 0, server 1), GTIDs 0-1-(from..to), a time per GTID, a rotate to `next`. */
export function binlog(p: { startSeq: number; from: number; to: number; next?: string }): Buffer {
  const parts: Buffer[] = [Buffer.from([0xfe, 0x62, 0x69, 0x6e])];
  let pos = 4;
  const push = (type: number, time: number, body: Buffer, crc = true) => {
    const e = event(type, time, body, pos, crc);
    parts.push(e);
    pos += e.length;
  };
  const fde = Buffer.alloc(2 + 50 + 4 + 1 + 10 + 1);
  fde.writeUInt16LE(4, 0);
  fde.write('10.11.18-MariaDB-log', 2, 'latin1');
  fde[56] = 19;
  fde[fde.length - 1] = 1; // CRC32
  push(15, T0, fde);
  const list = Buffer.alloc(4 + (p.startSeq ? 16 : 0));
  if (p.startSeq) {
    list.writeUInt32LE(1, 0);
    list.writeUInt32LE(0, 4);
    list.writeUInt32LE(1, 8);
    list.writeBigUInt64LE(BigInt(p.startSeq), 12);
  }
  push(163, T0, list);
  for (let s = p.from; s <= p.to; s++) {
    const g = Buffer.alloc(13);
    g.writeBigUInt64LE(BigInt(s), 0);
    g.writeUInt32LE(0, 8);
    push(162, T0 + s * 60, g);
    push(16, T0 + s * 60, Buffer.alloc(8)); // Xid
  }
  if (p.next) {
    const r = Buffer.concat([Buffer.alloc(8), Buffer.from(p.next, 'latin1')]);
    r.writeBigUInt64LE(4n, 0);
    push(4, T0 + p.to * 60, r);
  }
  return Buffer.concat(parts);
}

export async function mariabackup(
  dir: string,
  p: { type: 'full-backuped' | 'incremental'; from: number; to: number; gtid: string; end: string },
) {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'xtrabackup_checkpoints'),
    `backup_type = ${p.type}\nfrom_lsn = ${p.from}\nto_lsn = ${p.to}\nlast_lsn = ${p.to}\n`,
  );
  await writeFile(join(dir, 'xtrabackup_info'), `server_version = 10.11.18-MariaDB-log\nend_time = ${p.end}\n`);
  await writeFile(join(dir, 'xtrabackup_binlog_info'), `mariadb-bin.000001\t4\t${p.gtid}\n`);
}

export const NOW = Date.parse('2026-12-01T04:00:00Z');

/** Full at GTID 0-1-10, incrementals at 0-1-20 and 0-1-30, binlogs 1..3 holding 0-1-1 … 0-1-45 (the last one open). */
export async function goodLocation(dir: string) {
  await mariabackup(join(dir, 'full'), { type: 'full-backuped', from: 0, to: 1000, gtid: '0-1-10', end: '2026-12-01 02:10:00' });
  await mariabackup(join(dir, 'inc1'), { type: 'incremental', from: 1000, to: 2000, gtid: '0-1-20', end: '2026-12-01 02:20:00' });
  await mariabackup(join(dir, 'inc2'), { type: 'incremental', from: 2000, to: 3000, gtid: '0-1-30', end: '2026-12-01 02:30:00' });
  await mkdir(join(dir, 'binlogs'));
  await writeFile(join(dir, 'binlogs', 'mariadb-bin.000001'), binlog({ startSeq: 0, from: 1, to: 15, next: 'mariadb-bin.000002' }));
  await writeFile(join(dir, 'binlogs', 'mariadb-bin.000002'), binlog({ startSeq: 15, from: 16, to: 35, next: 'mariadb-bin.000003' }));
  await writeFile(join(dir, 'binlogs', 'mariadb-bin.000003'), binlog({ startSeq: 35, from: 36, to: 45 }));
}

/** A MySQL clone folder (its #clone marker and a data file) and, when `gtid` is given, the state recorded with it. */
export async function cloneFolder(dir: string, gtid?: string) {
  await mkdir(join(dir, '#clone'), { recursive: true });
  await writeFile(join(dir, 'ibdata1'), Buffer.alloc(4096));
  if (gtid) await writeFile(`${dir}.state.json`, stateText('mysql', gtid, '2026-12-01T02:05:00Z'));
}

/** The head of a state file as `firedrill snapshot` writes it: what a location's scan reads (its position). */
export const stateText = (family: 'mariadb' | 'mysql', executed: string, takenAt: string) =>
  JSON.stringify({ format: 'firedrill-state/2', takenAt, source: { family }, gtid: { executed, replicaPos: '', heldReplica: false } });

/** The package packageLocation makes, relative to the location. */
export const PACKAGE_NAME = 'pkgs/full-1.tar.zst.enc';

/** Packs (with `key`) into `dir/pkgs` an artifact folder whose manifest.json says it was taken at `gtid` on `flavor`. */
export async function packedBackup(dir: string, key: Buffer, id: string, gtid: string, flavor = 'mariadb-10.11') {
  const a = join(dir, 'work', id);
  await mkdir(join(a, 'data'), { recursive: true });
  await writeFile(join(a, 'data', 'ibdata1'), randomBytes(50_000));
  const manifest = {
    format: 'firedrill-artifact/1',
    id,
    method: 'mariabackup',
    flavor,
    createdAt: '2026-12-01T02:10:00.000Z',
    position: { gtid, snapshotGtid: gtid },
    snapshot: {},
    files: [],
    totalBytes: 123_456,
  };
  await writeFile(join(a, 'manifest.json'), JSON.stringify(manifest));
  await mkdir(join(dir, 'pkgs'), { recursive: true });
  await packArtifact(a, join(dir, 'pkgs'), key);
  await rm(join(dir, 'work'), { recursive: true });
}

/** A firedrill package of a full backup at 0-1-10 (PACKAGE_NAME) and binlogs holding 0-1-1 … 0-1-45. */
export async function packageLocation(dir: string, key: Buffer) {
  await packedBackup(dir, key, 'full-1', '0-1-10');
  await mkdir(join(dir, 'binlogs'));
  await writeFile(join(dir, 'binlogs', 'mariadb-bin.000001'), binlog({ startSeq: 0, from: 1, to: 15, next: 'mariadb-bin.000002' }));
  await writeFile(join(dir, 'binlogs', 'mariadb-bin.000002'), binlog({ startSeq: 15, from: 16, to: 45 }));
}
