/** Table kinds by keys and storage: full-text and generated columns, tables without a primary key, engines, partitioning. */
import { col, ID, PK0, str, ROW_FORMATS, disk, partitioned, type ShapeSet } from './shape-kit.js';
import type { TableKind } from './model.js';

export const STORAGE_SHAPES = {
  fulltext: (caps) => ({
    columns: [ID, str('VARCHAR(200)', 'varchar', 200, 'utf8mb4'), str('TEXT', 'text', 200, 'utf8mb4')],
    keys: [...PK0, 'FULLTEXT KEY ({1}, {2})'],
    uniques: [[0]],
    engines: disk(caps),
    rowFormats: {},
    edges: [[1_000_001, 'the quick brown fox', 'jumps over the lazy dog']],
  }),
  generated: (caps) => ({
    columns: [
      ID,
      col('SMALLINT CHECK ({1} > -40000)', 'smallint'),
      str('VARCHAR(20)', 'varchar', 20, 'utf8mb4'),
      col('INT AS ({1} * 2) VIRTUAL', 'int', { generated: true }),
      col("VARCHAR(30) AS (CONCAT({2}, '-x')) STORED", 'varchar', { generated: true }),
      col('INT INVISIBLE DEFAULT 7', 'int'),
      col('INT DEFAULT (1 + 2)', 'int'),
      str("VARCHAR(10) NOT NULL DEFAULT 'd'", 'varchar', 10, 'utf8mb4'),
    ],
    keys: [...PK0, 'KEY ({3})', 'KEY ({4} DESC)', 'KEY ({1}, {2} DESC)'],
    uniques: [[0]],
    engines: ['InnoDB'],
    rowFormats: { InnoDB: ROW_FORMATS(caps).InnoDB! },
    edges: [[1_000_001, null, null, null, 0, 'x']],
  }),
  'no-key-duplicates': (caps) => ({
    columns: [col('INT', 'int'), str('VARCHAR(10)', 'varchar', 10, 'utf8mb4')],
    keys: [],
    uniques: [],
    engines: disk(caps),
    rowFormats: ROW_FORMATS(caps),
    edges: [
      [null, null],
      [null, null],
    ],
    duplicates: true,
  }),
  'unique-only': (caps) => ({
    columns: [col('INT NOT NULL', 'int'), str('VARCHAR(20)', 'varchar', 20, 'utf8mb4')],
    keys: ['UNIQUE KEY ({0})'],
    uniques: [[0]],
    engines: disk(caps),
    rowFormats: ROW_FORMATS(caps),
    edges: [[1_000_001, null]],
  }),
  memory: () => ({
    columns: [
      ID,
      str('VARCHAR(30)', 'varchar', 30, 'utf8mb4'),
      col('DECIMAL(8,2)', 'decimal', { precision: 8, scale: 2 }),
      col('DATE', 'date'),
    ],
    keys: PK0,
    uniques: [[0]],
    engines: ['MEMORY'],
    rowFormats: {},
    edges: [],
  }),
  aria: (caps) =>
    caps.aria
      ? {
          columns: [ID, str('VARCHAR(30)', 'varchar', 30, 'utf8mb4'), str('TEXT', 'text', 200, 'utf8mb4')],
          keys: PK0,
          uniques: [[0]],
          engines: ['Aria'],
          rowFormats: { Aria: ['PAGE'] },
          tail: 'TRANSACTIONAL=1',
          edges: [],
        }
      : null,
  'partition-range': (caps) =>
    partitioned(
      caps,
      col('INT NOT NULL', 'int'),
      'PARTITION BY RANGE ({1}) (PARTITION p0 VALUES LESS THAN (0), PARTITION p1 VALUES LESS THAN (1000000), PARTITION pmax VALUES LESS THAN MAXVALUE)',
    ),
  'partition-range-columns': (caps) =>
    partitioned(
      caps,
      col('DATE NOT NULL', 'date'),
      "PARTITION BY RANGE COLUMNS ({1}) (PARTITION p0 VALUES LESS THAN ('2000-01-01'), PARTITION pmax VALUES LESS THAN (MAXVALUE))",
    ),
  'partition-list': (caps) =>
    partitioned(
      caps,
      col('TINYINT UNSIGNED NOT NULL', 'tinyint', { columnType: 'tinyint unsigned' }),
      'PARTITION BY LIST ({1} MOD 3) (PARTITION p0 VALUES IN (0), PARTITION p1 VALUES IN (1), PARTITION p2 VALUES IN (2))',
    ),
  'partition-hash': (caps) => partitioned(caps, col('INT NOT NULL', 'int'), 'PARTITION BY HASH ({0}) PARTITIONS 3'),
  'partition-key': (caps) => partitioned(caps, col('INT NOT NULL', 'int'), 'PARTITION BY KEY ({0}) PARTITIONS 2'),
  subpartition: (caps) =>
    partitioned(
      caps,
      col('INT NOT NULL', 'int'),
      'PARTITION BY RANGE ({1}) SUBPARTITION BY HASH ({0}) SUBPARTITIONS 2 (PARTITION p0 VALUES LESS THAN (0), PARTITION p1 VALUES LESS THAN MAXVALUE)',
    ),
} satisfies Partial<ShapeSet<TableKind>>;
