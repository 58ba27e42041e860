import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressionOf, databaseNameFromFile, DumpFilter, dumpFiles, readAll, scanDump, streamDump } from './dump-reader.js';

/** Runs text through the filter in chunks of `size` bytes (lines cut anywhere, as a stream cuts them). */
async function filter(text: string, size = 7, db = 'fallback'): Promise<{ out: string; f: DumpFilter }> {
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  const f = new DumpFilter(db);
  const out = readAll(f);
  await pipeline(Readable.from(chunks), f);
  return { out: await out, f };
}

const MYSQLDUMP_GTID = `-- MySQL dump 10.13  Distrib 9.7.4
--
-- Host: localhost    Database: shop
-- ------------------------------------------------------
SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;
SET @@SESSION.SQL_LOG_BIN= 0;

--
-- GTID state at the beginning of the backup
--

SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,
5b1f7a2c-71ca-11e1-9e33-c80aa9429562:1-3';
DROP TABLE IF EXISTS \`orders\`;
CREATE TABLE \`orders\` (
  \`id\` int NOT NULL,
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB;
INSERT INTO \`orders\` VALUES (1),(2),(3);
SET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN;
`;

const MARIADB_DUMP = `-- MariaDB dump 10.19
CREATE DATABASE /*!32312 IF NOT EXISTS*/ \`a\` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;
USE \`a\`;
CREATE TABLE \`t1\` (id int primary key);
INSERT INTO \`t1\` VALUES (1);
CREATE DATABASE /*!32312 IF NOT EXISTS*/ \`b\`;
USE \`b\`;
CREATE TABLE \`t2\` (id int primary key);
CREATE USER 'app'@'%' IDENTIFIED BY PASSWORD '*0000';
GRANT SELECT ON \`b\`.* TO 'app'@'%';
-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000002', MASTER_LOG_POS=342;
SET GLOBAL gtid_slave_pos='0-1-42';
CHANGE MASTER TO MASTER_USE_GTID=slave_pos;
`;

describe('dump reader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-dump-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('knows gzip and zstd by their first bytes, not their names', () => {
    expect(compressionOf(gzipSync('x'))).toBe('gzip');
    expect(compressionOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toBe('zstd');
    expect(compressionOf(Buffer.from('-- MySQL dump'))).toBe('none');
  });

  it('names a database after the file when the dump names none', () => {
    expect(databaseNameFromFile('/x/orders.sql.gz')).toBe('orders');
    expect(databaseNameFromFile('shop-2026.sql.zst')).toBe('shop_2026');
    expect(databaseNameFromFile('x.dump')).toBe('x');
  });

  for (const size of [1, 5, 64, 1 << 16]) {
    it(`removes the replication position and SQL_LOG_BIN=0, keeps the rest (chunks of ${size})`, async () => {
      const { out, f } = await filter(MYSQLDUMP_GTID, size);
      expect(out).not.toMatch(/GTID_PURGED|5b1f7a2c|SQL_LOG_BIN=|SQL_LOG_BIN =/);
      expect(out).toContain('SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;');
      expect(out).toContain('INSERT INTO `orders` VALUES (1),(2),(3);');
      expect(f.info.removed).toEqual({ 'gtid-purged': 1, 'sql-log-bin': 2 });
      // No USE in a one-database dump: the header's database is created and used before its first object.
      expect(f.info.injectedDatabase).toBe('shop');
      expect(out.indexOf('CREATE DATABASE IF NOT EXISTS `shop`;\nUSE `shop`;')).toBeLessThan(out.indexOf('DROP TABLE IF EXISTS'));
      expect(f.info.tables).toEqual(['shop.orders']);
      expect(f.info.bytes).toBe(Buffer.byteLength(MYSQLDUMP_GTID));
    });
  }

  it('keeps a dump with its own databases as it is, and lists databases, tables and accounts', async () => {
    const { out, f } = await filter(MARIADB_DUMP, 3);
    expect(f.info).toMatchObject({ databases: ['a', 'b'], tables: ['a.t1', 'b.t2'], users: ['app'], injectedDatabase: null });
    expect(f.info.removed).toEqual({ 'gtid-slave-pos': 1, 'change-source': 1 });
    expect(out).not.toMatch(/gtid_slave_pos|^CHANGE MASTER/m);
    expect(out).toContain('-- CHANGE MASTER TO'); // a comment stays a comment
    expect(out.split('\n').filter((l) => l.startsWith('USE')).length).toBe(2);
  });

  it('reads bare (unquoted) names as the Sakila files write them', async () => {
    const { out, f } = await filter(
      'SET NAMES utf8mb4;\nDROP SCHEMA IF EXISTS sakila;\nCREATE SCHEMA sakila;\nUSE sakila;\nCREATE TABLE actor (id int);\nCREATE TABLE `other`.`t` (a int);\n',
      5,
    );
    expect(f.info).toMatchObject({ databases: ['sakila'], tables: ['sakila.actor', 'other.t'], injectedDatabase: null });
    expect(out).not.toContain('CREATE DATABASE IF NOT EXISTS');
  });

  it('falls back to the file name when neither USE nor the header names a database', async () => {
    const { out, f } = await filter('/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE `x` (a int);\n', 4, 'fromfile');
    expect(f.info.injectedDatabase).toBe('fromfile');
    expect(out.startsWith('/*!40101 SET NAMES utf8mb4 */;\nCREATE DATABASE IF NOT EXISTS `fromfile`;')).toBe(true);
  });

  it('passes lines longer than its look-ahead through unchanged, in pieces', async () => {
    const big = `USE \`d\`;\nINSERT INTO \`t\` VALUES ${Array.from({ length: 20_000 }, (_, i) => `(${i},'v${i}')`).join(',')};\n`;
    const { out } = await filter(big, 1000);
    expect(out).toBe(big);
  });

  it('reads plain, gzip and zstd files the same, and a folder of them in name order', async () => {
    await writeFile(join(dir, '1-shop.sql'), MYSQLDUMP_GTID);
    await writeFile(join(dir, '2-ab.sql.gz'), gzipSync(MARIADB_DUMP));
    const z = spawnSync('zstd', ['-q', '-c'], { input: Buffer.from('CREATE TABLE `z` (a int);\n') });
    await writeFile(join(dir, '3-zz.sql.zst'), z.stdout);
    await writeFile(join(dir, 'notes.txt'), 'not a dump');
    const files = dumpFiles(dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['1-shop.sql', '2-ab.sql.gz', '3-zz.sql.zst']);
    const infos = await Promise.all(files.map((f) => scanDump(f)));
    expect(infos.map((i) => i.databases)).toEqual([['shop'], ['a', 'b'], ['3_zz']]);
    let text = '';
    const sink = new Writable({
      write(c, _e, cb) {
        text += String(c);
        cb();
      },
    });
    const seen: number[] = [];
    await streamDump(files[2]!, sink, { onBytes: (n) => seen.push(n) });
    expect(text).toBe('CREATE DATABASE IF NOT EXISTS `3_zz`;\nUSE `3_zz`;\nCREATE TABLE `z` (a int);\n');
    expect(seen.at(-1)).toBe(z.stdout.length);
  });

  it('refuses a missing path and a folder without dumps', () => {
    expect(() => dumpFiles(join(dir, 'nope.sql'))).toThrow(/no such file/);
    expect(() => dumpFiles(join(tmpdir()))).not.toThrow(/no such/); // tmpdir exists; it may or may not hold dumps
  });
});

describe('primary keys read from CREATE TABLE', () => {
  it('counts the primary key columns of each table (0 without one), in key lines and inline', async () => {
    const { f } = await filter(
      [
        'CREATE DATABASE `app`;',
        'USE `app`;',
        'CREATE TABLE `orders` (',
        '  `id` int NOT NULL,',
        '  PRIMARY KEY (`id`)',
        ') ENGINE=InnoDB;',
        'CREATE TABLE `order lines` (',
        '  `order` int NOT NULL,',
        '  `name` varchar(20) NOT NULL,',
        '  PRIMARY KEY (`order`,`name`(10)) USING BTREE',
        ');',
        'CREATE TABLE `log-book` (',
        '  `at` datetime,',
        '  UNIQUE KEY `u` (`at`)',
        ');',
        'CREATE TABLE pairs (',
        '  id int PRIMARY KEY,',
        '  v text',
        ');',
        // Sakila's own spelling: two spaces, unquoted columns
        'CREATE TABLE film_actor (',
        '  actor_id SMALLINT UNSIGNED NOT NULL,',
        '  film_id SMALLINT UNSIGNED NOT NULL,',
        '  PRIMARY KEY  (actor_id,film_id)',
        ');',
        '',
      ].join('\n'),
    );
    expect(f.info.primaryKeys).toEqual({ 'app.orders': 1, 'app.order lines': 2, 'app.log-book': 0, 'app.pairs': 1, 'app.film_actor': 2 });
  });
});

describe('engines read from CREATE TABLE', () => {
  it("names each table's engine as its table options say (absent when they name none), on one line or several", async () => {
    const { f } = await filter(
      [
        'CREATE DATABASE `app`;',
        'USE `app`;',
        'CREATE TABLE `orders` (',
        '  `id` int NOT NULL,',
        '  PRIMARY KEY (`id`)',
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;',
        'CREATE TABLE `cache` (',
        '  `k` int NOT NULL',
        ') ENGINE=MEMORY DEFAULT CHARSET=latin1;',
        'CREATE TABLE `log` (`at` datetime) ENGINE = MyISAM;',
        'CREATE TABLE `plain` (',
        '  `v` int',
        ');',
        '',
      ].join('\n'),
    );
    expect(f.info.engines).toEqual({ 'app.orders': 'InnoDB', 'app.cache': 'MEMORY', 'app.log': 'MyISAM' });
  });
});

describe('FLOAT columns and system-versioned tables read from CREATE TABLE (what a logical dump cannot carry exactly: F13, F14, F32)', () => {
  it('names the tables with a FLOAT column and those created WITH SYSTEM VERSIONING, as mariadb-dump writes them', async () => {
    const { f } = await filter(
      [
        'USE `app`;',
        'CREATE TABLE `numbers` (',
        '  `id` int(11) NOT NULL,',
        '  `f` float DEFAULT NULL,',
        '  `g` float(7,3) unsigned DEFAULT NULL,',
        '  PRIMARY KEY (`id`)',
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;',
        'CREATE TABLE `doubles` (',
        '  `d` double DEFAULT NULL,',
        '  `float_note` varchar(10) DEFAULT NULL,',
        '  KEY `float` (`d`)',
        ') ENGINE=InnoDB;',
        'CREATE TABLE `hist` (',
        '  `id` int(11) NOT NULL,',
        '  PRIMARY KEY (`id`)',
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci WITH SYSTEM VERSIONING;',
        'CREATE TABLE `h2` (`v` int) ENGINE=InnoDB WITH SYSTEM VERSIONING;',
        '',
      ].join('\n'),
    );
    expect(f.info.floatTables).toEqual(['app.numbers']);
    expect(f.info.versionedTables).toEqual(['app.hist', 'app.h2']);
  });
});

describe('sequences read from CREATE SEQUENCE (what a Galera cluster accepts depends on them: F21)', () => {
  it("reads INCREMENT and CACHE as mariadb-dump and the corpus write them, NOCACHE as 0, the server's defaults when absent", async () => {
    const { f } = await filter(
      [
        'USE `shop`;',
        'CREATE SEQUENCE `s1` start with 1 minvalue 1 maxvalue 9223372036854775806 increment by 1 cache 1000 nocycle ENGINE=InnoDB;',
        'CREATE SEQUENCE `s2` START WITH 100 MINVALUE 1 MAXVALUE 1000000 INCREMENT BY 5 CACHE 10 CYCLE ENGINE=InnoDB;',
        'CREATE SEQUENCE `s3` start with 1 increment by 1 nocache nocycle ENGINE=InnoDB;',
        'CREATE OR REPLACE SEQUENCE `other`.`s4` INCREMENT = 0 CACHE = 20;',
        'CREATE SEQUENCE s5;',
        'SELECT SETVAL(`s2`, 135, 0);',
        '',
      ].join('\n'),
    );
    expect(f.info.sequences).toEqual({
      'shop.s1': { increment: 1, cache: 1000 },
      'shop.s2': { increment: 5, cache: 10 },
      'shop.s3': { increment: 1, cache: 0 },
      'other.s4': { increment: 0, cache: 20 },
      'shop.s5': { increment: 1, cache: 1000 },
    });
    // a sequence is no base table
    expect(f.info.tables).toEqual([]);
  });
});
