import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLAVORS } from '../core/index.js';
import { dumpFacts } from './artifact-kinds/dump.js';
import { parseToolTime } from './artifact-kinds/detected.js';
import { orderChain } from './artifact-kinds/mariabackup-chain.js';
import { checkFlavor, detectArtifact, NotABackupError } from './external.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-detect-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const info = (version: string, end = '2026-11-28 03:10:00') =>
  `tool_name = mariadb-backup\nserver_version = ${version}-MariaDB-0+deb12u1-log\nstart_time = 2026-11-28 03:09:58\nend_time = ${end}\n`;
async function mariabackup(
  at: string,
  type: string,
  from: number,
  to: number,
  o: { version?: string; names?: 'xtrabackup' | 'mariadb_backup'; slave?: string } = {},
) {
  const p = o.names ?? 'xtrabackup';
  await mkdir(join(at, 'mysql'), { recursive: true });
  await writeFile(join(at, 'ibdata1'), Buffer.alloc(1024));
  await writeFile(join(at, `${p}_checkpoints`), `backup_type = ${type}\nfrom_lsn = ${from}\nto_lsn = ${to}\nlast_lsn = ${to + 10}\n`);
  await writeFile(join(at, `${p}_info`), info(o.version ?? '10.11.18'));
  await writeFile(join(at, `${p}_binlog_info`), 'mysql-bin.000001\t846\t0-1-3\n');
  if (o.slave)
    await writeFile(
      join(at, `${p}_slave_info`),
      `SET GLOBAL gtid_slave_pos = '${o.slave}';\nCHANGE MASTER TO master_use_gtid = slave_pos\n`,
    );
}
const DUMP_HEAD =
  '/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19  Distrib 10.11.18-MariaDB, for debian-linux-gnu (x86_64)\n--\n-- Host: localhost    Database: app\n-- ------------------------------------------------------\n-- Server version\t10.11.18-MariaDB-0+deb12u1-log\n\n';
const DUMP_BODY =
  '--\n-- Current Database: `app`\n--\n\nCREATE DATABASE `app`;\nUSE `app`;\nCREATE TABLE t (id int primary key);\nINSERT INTO t VALUES (1),(2);\n';
const DUMP_TAIL = "\n-- SET GLOBAL gtid_slave_pos='0-1-42';\n\n-- Dump completed on 2026-11-28  3:10:05\n";

describe('detectArtifact: what a backup is, from its contents', () => {
  it('tells an unprepared, a prepared and an 11.x mariabackup apart and reads version, time and position', async () => {
    await mariabackup(join(dir, 'a'), 'full-backuped', 0, 5000);
    await mariabackup(join(dir, 'b'), 'log-applied', 0, 5000, { slave: '0-1-77' });
    await mariabackup(join(dir, 'c'), 'full-backuped', 0, 5000, { version: '11.8.6', names: 'mariadb_backup' });
    const a = await detectArtifact(join(dir, 'a'));
    expect(a).toMatchObject({ kind: 'mariabackup', prepared: false, family: 'mariadb', version: '10.11.18', gtid: '0-1-3' });
    expect(a.createdAt).toBe(parseToolTime('2026-11-28 03:10:00'));
    expect(a.description).toMatch(/unprepared mariabackup/);
    // a backup of a replica (--slave-info): the replica's position wins over its own binlog position
    expect(await detectArtifact(join(dir, 'b'))).toMatchObject({ prepared: true, gtid: '0-1-77' });
    expect(await detectArtifact(join(dir, 'c'))).toMatchObject({ kind: 'mariabackup', version: '11.8.6' });
  });

  it('orders a folder of full + incrementals by LSN, and finds a broken chain', async () => {
    await mariabackup(join(dir, 'chain', 'full'), 'full-backuped', 0, 100);
    await mariabackup(join(dir, 'chain', 'z-inc1'), 'incremental', 100, 200);
    await mariabackup(join(dir, 'chain', 'a-inc2'), 'incremental', 200, 300, { slave: '0-1-9' });
    const c = await detectArtifact(join(dir, 'chain'));
    expect(c.incrementals!.map((i) => i.path.split('/').pop())).toEqual(['z-inc1', 'a-inc2']);
    expect(c.damaged).toBeUndefined();
    expect(c.gtid).toBe('0-1-9');
    await rm(join(dir, 'chain', 'z-inc1'), { recursive: true });
    expect((await detectArtifact(join(dir, 'chain'))).damaged).toMatch(/starts at LSN 200, but the backup before it ends at LSN 100/);
    // the same with --incremental in any order
    const full = await detectArtifact(join(dir, 'chain', 'full'));
    expect(orderChain(full, []).broken).toBeUndefined();
  });

  it('orders incrementals whose checkpoint LSN did not move by their last LSN', async () => {
    // to_lsn is the last checkpoint: incrementals taken close together share it; last_lsn tells them apart
    await mariabackup(join(dir, 'c2', 'full'), 'full-backuped', 0, 100);
    await mariabackup(join(dir, 'c2', 'b'), 'incremental', 100, 100);
    await writeFile(
      join(dir, 'c2', 'b', 'xtrabackup_checkpoints'),
      'backup_type = incremental\nfrom_lsn = 100\nto_lsn = 100\nlast_lsn = 900\n',
    );
    await mariabackup(join(dir, 'c2', 'a'), 'incremental', 100, 100);
    await writeFile(
      join(dir, 'c2', 'a', 'xtrabackup_checkpoints'),
      'backup_type = incremental\nfrom_lsn = 100\nto_lsn = 100\nlast_lsn = 500\n',
    );
    const c = await detectArtifact(join(dir, 'c2'));
    expect(c.incrementals!.map((i) => i.path.split('/').pop())).toEqual(['a', 'b']);
    expect(c.fullPath).toBe(join(dir, 'c2', 'full'));
  });

  it('refuses an incremental given as the artifact, and a non-incremental given as --incremental', async () => {
    await mariabackup(join(dir, 'full'), 'full-backuped', 0, 100);
    await mariabackup(join(dir, 'inc'), 'incremental', 100, 200);
    await expect(detectArtifact(join(dir, 'inc'))).rejects.toThrow(/incremental mariabackup: give the full backup/);
    await expect(detectArtifact(join(dir, 'full'), [join(dir, 'full')])).rejects.toThrow(NotABackupError);
    expect((await detectArtifact(join(dir, 'full'), [join(dir, 'inc')])).incrementals).toHaveLength(1);
  });

  it('knows a MySQL clone, a MySQL datadir and a MariaDB datadir copy', async () => {
    await mkdir(join(dir, 'clone', '#clone'), { recursive: true });
    await writeFile(join(dir, 'clone', 'mysql.ibd'), 'x');
    await mkdir(join(dir, 'my'), { recursive: true });
    await writeFile(join(dir, 'my', 'mysql.ibd'), 'x');
    await writeFile(join(dir, 'my', 'undo_001'), 'x');
    await mkdir(join(dir, 'ma', 'mysql'), { recursive: true });
    await writeFile(join(dir, 'ma', 'ibdata1'), 'x');
    await writeFile(join(dir, 'ma', 'aria_log_control'), 'x');
    await writeFile(join(dir, 'ma', 'mysql_upgrade_info'), '11.8.6-MariaDB');
    expect(await detectArtifact(join(dir, 'clone'))).toMatchObject({ kind: 'mysql-clone', family: 'mysql' });
    expect(await detectArtifact(join(dir, 'my'))).toMatchObject({ kind: 'datadir', family: 'mysql' });
    expect(await detectArtifact(join(dir, 'ma'))).toMatchObject({ kind: 'datadir', family: 'mariadb', version: '11.8.6' });
  });

  it('reads a dump (plain, gzip, zstd): family, version, databases, position, completion time', async () => {
    const text = DUMP_HEAD + DUMP_BODY + DUMP_TAIL;
    await writeFile(join(dir, 'd.sql'), text);
    await writeFile(join(dir, 'd.sql.gz'), gzipSync(text));
    execFileSync('zstd', ['-q', '-o', join(dir, 'd.sql.zst'), join(dir, 'd.sql')]);
    for (const [f, c] of [
      ['d.sql', 'none'],
      ['d.sql.gz', 'gzip'],
      ['d.sql.zst', 'zstd'],
    ] as const) {
      const a = await detectArtifact(join(dir, f));
      expect(a).toMatchObject({
        kind: 'dump',
        compression: c,
        family: 'mariadb',
        version: '10.11.18',
        gtid: '0-1-42',
        dumpDatabases: ['app'],
      });
      expect(a.damaged).toBeUndefined();
      expect(a.createdAt).toBe(parseToolTime('2026-11-28 03:10:05'));
    }
  });

  it('marks a truncated dump and a truncated .gz / .zst as damaged (a bad backup, not bad input)', async () => {
    const text = DUMP_HEAD + DUMP_BODY.repeat(200) + DUMP_TAIL;
    await writeFile(join(dir, 'cut.sql'), text.slice(0, 3000));
    const gz = gzipSync(text);
    await writeFile(join(dir, 'cut.sql.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    await writeFile(join(dir, 'full.sql'), text);
    execFileSync('zstd', ['-q', '-o', join(dir, 'full.sql.zst'), join(dir, 'full.sql')]);
    execFileSync('sh', ['-c', `head -c 100 "${join(dir, 'full.sql.zst')}" > "${join(dir, 'cut.sql.zst')}"`]);
    expect((await detectArtifact(join(dir, 'cut.sql'))).damaged).toMatch(/no "-- Dump completed" line/);
    expect((await detectArtifact(join(dir, 'cut.sql.gz'))).damaged).toMatch(/does not decompress whole: gzip/);
    expect((await detectArtifact(join(dir, 'cut.sql.zst'))).damaged).toMatch(/does not decompress/);
  });

  it('refuses what is not a backup with one line (exit 2)', async () => {
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'notes.txt'), 'hello, not a dump\n');
    await writeFile(join(dir, 'x.gz'), gzipSync('just some text\n'));
    await expect(detectArtifact(join(dir, 'empty'))).rejects.toThrow(/is not a backup: no firedrill manifest, no mariabackup checkpoints/);
    await expect(detectArtifact(join(dir, 'notes.txt'))).rejects.toThrow(/not a mysqldump \/ mariadb-dump file/);
    await expect(detectArtifact(join(dir, 'x.gz'))).rejects.toThrow(NotABackupError);
    await expect(detectArtifact(join(dir, 'missing'))).rejects.toThrow(/no such file or directory/);
    await writeFile(join(dir, 'manifest-only-dir-not'), '');
    await mkdir(join(dir, 'bad-manifest'));
    await writeFile(join(dir, 'bad-manifest', 'manifest.json'), '{"format":"other"}');
    await expect(detectArtifact(join(dir, 'bad-manifest'))).rejects.toThrow(/not a firedrill manifest/);
  });

  it('knows an mbstream file and a firedrill package by their magic', async () => {
    await writeFile(join(dir, 's.xb'), Buffer.concat([Buffer.from('XBSTCK01'), Buffer.alloc(64)]));
    await writeFile(join(dir, 'p.tar.zst.enc'), Buffer.concat([Buffer.from('FDPKG2\n'), Buffer.alloc(64)]));
    expect(await detectArtifact(join(dir, 's.xb'))).toMatchObject({ kind: 'mbstream', family: 'mariadb' });
    expect(await detectArtifact(join(dir, 'p.tar.zst.enc'))).toMatchObject({ kind: 'firedrill-package' });
  });
});

describe('dumpFacts', () => {
  it("reads mysqldump's GTID_PURGED and server version", () => {
    const head =
      "-- MySQL dump 10.13  Distrib 9.7.4, for Linux (x86_64)\n--\n-- Server version\t9.7.4-2\n\nSET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ 'd19e4d7a-ebc1-11f1-8d2b-0242ac110005:1-3';\n";
    expect(dumpFacts(head, '-- Dump completed on 2026-11-29  6:55:14\n', [])).toMatchObject({
      header: true,
      family: 'mysql',
      version: '9.7.4',
      trailer: true,
      gtid: 'd19e4d7a-ebc1-11f1-8d2b-0242ac110005:1-3',
    });
  });
  it('joins a GTID set mysqldump broke over lines', () => {
    const head =
      "-- MySQL dump 10.13  Distrib 9.7.4, for Linux (x86_64)\n-- Server version\t9.7.4-2\nSET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '0aaa0000-0000-0000-0000-000000000000:1-5,\n1bbb0000-0000-0000-0000-000000000000:1-9';\n";
    expect(dumpFacts(head, '', []).gtid).toBe('0aaa0000-0000-0000-0000-000000000000:1-5,1bbb0000-0000-0000-0000-000000000000:1-9');
  });
  it('sees no header in a SQL file that is not a dump', () => {
    expect(dumpFacts('CREATE TABLE t (a int);\n', '', []).header).toBe(false);
  });
});

describe('checkFlavor: the wrong flavor is refused before anything starts', () => {
  const a = (o: object) => ({ kind: 'mariabackup' as const, path: '/b', description: 'a backup', family: 'mariadb' as const, ...o });
  it('refuses the other family', () => {
    expect(() =>
      checkFlavor(a({ kind: 'datadir', family: 'mysql', description: 'a MySQL datadir copy' }), FLAVORS['mariadb-10.11']),
    ).toThrow(/a MySQL backup cannot be restored with --flavor mariadb-10.11/);
    expect(() => checkFlavor(a({}), FLAVORS['mysql-9.7'])).toThrow(NotABackupError);
  });
  it('refuses a mariabackup of another series and any backup of a newer version', () => {
    expect(() => checkFlavor(a({ version: '11.8.6' }), FLAVORS['mariadb-10.11'])).toThrow(/--flavor mariadb-11.8/);
    expect(() => checkFlavor(a({ version: '10.11.18' }), FLAVORS['mariadb-11.8'])).toThrow(/its own series/);
    expect(() => checkFlavor(a({ kind: 'dump', version: '11.8.6' }), FLAVORS['mariadb-10.11'])).toThrow(/older mariadb-10.11/);
  });
  it('accepts the same series, and an older dump or datadir (an upgrade)', () => {
    expect(() => checkFlavor(a({ version: '10.11.19' }), FLAVORS['mariadb-10.11'])).not.toThrow();
    expect(() => checkFlavor(a({ kind: 'dump', version: '10.11.18' }), FLAVORS['mariadb-11.8'])).not.toThrow();
    expect(() => checkFlavor(a({ kind: 'datadir', version: '10.11.18' }), FLAVORS['mariadb-11.8'])).not.toThrow();
  });
});
