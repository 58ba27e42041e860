import type { Caps } from './caps.js';
import type { Engine, TableKind } from './model.js';

/**
 * The shape of each table kind: its columns (SQL type text, and what the row generator needs to know of each), keys,
 * engines, ROW_FORMATs, partitioning, edge rows. `{n}` in a text stands for the n-th column's quoted name, `{t}` for
 * the table's qualified name. A kind a flavor cannot hold has no shape there (shapeOf returns null).
 */

export interface ColumnDef {
  /** SQL after the column's name. */
  type: string;
  /** For the row generator (harness/workload/generate.ts ColumnModel): information_schema's view of the type. */
  dataType: string;
  columnType: string;
  nullable: boolean;
  maxLength: number | null;
  precision: number | null;
  scale: number | null;
  fsp: number | null;
  charset: string | null;
  generated: boolean;
  autoIncrement: boolean;
  /** Values to take instead of generated ones (types the generator does not know, ranges a key or CHECK needs). */
  choices?: unknown[];
}

interface ForeignKeyDef {
  columns: number[];
  /** Referenced columns of the parent (or of the table itself when `self`). */
  refColumns: number[];
  self: boolean;
  actions: string;
}

export interface TableShape {
  columns: ColumnDef[];
  keys: string[];
  /** Unique keys (PRIMARY first) as column positions, for the row generator. */
  uniques: number[][];
  engines: readonly Engine[];
  rowFormats: Partial<Record<Engine, readonly string[]>>;
  partition?: string;
  tail?: string;
  foreignKeys?: ForeignKeyDef[];
  /** Rows of edge values (non-generated columns, in order), appended to the generated ones. */
  edges: unknown[][];
  /** The first rows appear twice (a table without any unique key). */
  duplicates?: boolean;
  /** Statements run after the rows (history of a system-versioned table). */
  after?: string[];
}

const col = (type: string, dataType: string, o: Partial<ColumnDef> = {}): ColumnDef => ({
  type,
  dataType,
  columnType: o.columnType ?? dataType,
  nullable: !/NOT NULL|PRIMARY/i.test(type),
  maxLength: null,
  precision: null,
  scale: null,
  fsp: null,
  charset: null,
  generated: / AS \(/i.test(type),
  autoIncrement: /AUTO_INCREMENT/i.test(type),
  ...o,
});
const ID = col('INT NOT NULL', 'int');
const PK0 = ['PRIMARY KEY ({0})'];
const str = (type: string, dataType: string, maxLength: number, charset: string) => col(type, dataType, { maxLength, charset });
const INNODB_FORMATS = ['DYNAMIC', 'COMPACT', 'REDUNDANT', 'COMPRESSED'];
const ROW_FORMATS = (caps: Caps): TableShape['rowFormats'] => ({
  InnoDB: caps.pageCompressed ? [...INNODB_FORMATS, 'PAGE_COMPRESSED=1'] : INNODB_FORMATS,
  MyISAM: ['DYNAMIC'],
  Aria: ['PAGE', 'DYNAMIC'],
});
const disk = (caps: Caps): Engine[] => (caps.aria ? ['InnoDB', 'MyISAM', 'Aria'] : ['InnoDB', 'MyISAM']);
/** A table keyed by its first column, on any disk engine with its ROW_FORMATs. */
const keyedOnDisk = (caps: Caps) => ({ keys: PK0, uniques: [[0]], engines: disk(caps), rowFormats: ROW_FORMATS(caps) });

const SHAPES: Record<TableKind, (caps: Caps) => TableShape | null> = {
  numbers: (caps) => ({
    columns: [
      col('INT NOT NULL AUTO_INCREMENT', 'int', { autoIncrement: true }),
      col('TINYINT', 'tinyint'),
      col('TINYINT UNSIGNED', 'tinyint', { columnType: 'tinyint unsigned' }),
      col('SMALLINT', 'smallint'),
      col('MEDIUMINT UNSIGNED', 'mediumint', { columnType: 'mediumint unsigned' }),
      col('BIGINT', 'bigint'),
      col('BIGINT UNSIGNED', 'bigint', { columnType: 'bigint unsigned' }),
      col('DECIMAL(65,30)', 'decimal', { precision: 65, scale: 30 }),
      col('DECIMAL(10,2)', 'decimal', { precision: 10, scale: 2 }),
      col('FLOAT', 'float'),
      col('DOUBLE', 'double'),
      col('BIT(1)', 'bit', { precision: 1 }),
      col('BIT(20)', 'bit', { precision: 20 }),
      col('BOOLEAN', 'tinyint', { columnType: 'tinyint(1)' }),
    ],
    ...keyedOnDisk(caps),
    edges: [
      [
        1_000_001,
        -128,
        0,
        -32768,
        0,
        '-9223372036854775808',
        '0',
        `-${'9'.repeat(35)}.${'9'.repeat(30)}`,
        '-99999999.99',
        1.0000001,
        0.1,
        0,
        0,
        0,
      ],
      [
        1_000_002,
        127,
        255,
        32767,
        16777215,
        '9223372036854775807',
        '18446744073709551615',
        `${'9'.repeat(35)}.${'9'.repeat(30)}`,
        '99999999.99',
        -3.4e38,
        1.7976931348623157e308,
        1,
        1048575,
        1,
      ],
    ],
  }),
  strings: (caps) => ({
    columns: [
      ID,
      str(`CHAR(10) COLLATE ${caps.padCollation}`, 'char', 10, 'utf8mb4'),
      str(`VARCHAR(40) COLLATE ${caps.noPadCollation}`, 'varchar', 40, 'utf8mb4'),
      str('VARCHAR(20) CHARACTER SET latin1', 'varchar', 20, 'latin1'),
      str('VARCHAR(20) CHARACTER SET utf8mb3', 'varchar', 20, 'utf8mb3'),
      str('TEXT COLLATE utf8mb4_unicode_ci', 'text', 65535, 'utf8mb4'),
      col('BINARY(8)', 'binary', { maxLength: 8 }),
      col('VARBINARY(20)', 'varbinary', { maxLength: 20 }),
      col('BLOB', 'blob', { maxLength: 65535 }),
      str('MEDIUMTEXT CHARACTER SET utf8mb4', 'mediumtext', 200, 'utf8mb4'),
      col("ENUM('','a','b c','ünï')", 'enum', { columnType: "enum('','a','b c','ünï')" }),
      col("SET('x','y','z')", 'set', { columnType: "set('x','y','z')" }),
    ],
    ...keyedOnDisk(caps),
    edges: [
      [
        1_000_001,
        'a',
        'trailing  ',
        'café ',
        'ünï',
        "it's \\ back",
        Buffer.alloc(8),
        Buffer.from([0, 0, 1, 0]),
        Buffer.from([0xff, 0]),
        '😀 emoji',
        '',
        'x,z',
      ],
      [1_000_002, '', '', '', '', '', Buffer.from('abc\0\0\0\0\0'), Buffer.alloc(0), Buffer.alloc(0), '', 'ünï', ''],
      [1_000_003, null, null, null, null, null, null, null, null, null, null, null],
    ],
  }),
  temporal: (caps) => ({
    columns: [
      ID,
      col('DATE', 'date'),
      col('DATETIME(6)', 'datetime', { fsp: 6 }),
      col('TIMESTAMP(3) NULL', 'timestamp', { fsp: 3 }),
      col('TIME(6)', 'time', { fsp: 6 }),
      col('YEAR', 'year'),
      col('DATETIME', 'datetime', { fsp: 0 }),
    ],
    keys: [...PK0, 'KEY ({2} DESC)'],
    uniques: [[0]],
    engines: caps.descendingIndexEngines,
    rowFormats: ROW_FORMATS(caps),
    edges: [
      [1_000_001, '1000-01-01', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000', '-838:59:59.000000', 1901, '1000-01-01 00:00:00'],
      [1_000_002, '9999-12-31', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999', '838:59:59.000000', 2155, '9999-12-31 23:59:59'],
    ],
  }),
  // Zero dates: the dump's session sql_mode (NO_AUTO_VALUE_ON_ZERO only, as mysqldump writes it) lets them in.
  'zero-dates': (caps) => ({
    columns: [ID, col('DATE', 'date'), col('DATETIME', 'datetime', { fsp: 0 }), col('YEAR', 'year')],
    ...keyedOnDisk(caps),
    edges: [
      [1_000_001, '0000-00-00', '0000-00-00 00:00:00', 0],
      [1_000_002, '2024-02-00', '2024-00-15 10:00:00', 2000],
    ],
  }),
  json: () => ({
    columns: [ID, col('JSON', 'json')],
    keys: PK0,
    uniques: [[0]],
    engines: ['InnoDB'],
    rowFormats: {},
    edges: [
      [1_000_001, '{"a": [1, 2, {"b": null}], "ü": "😀"}'],
      [1_000_002, 'null'],
      [1_000_003, '[]'],
      [1_000_004, '"text"'],
    ],
  }),
  spatial: (caps) => ({
    columns: [
      ID,
      col(`GEOMETRY NOT NULL${caps.spatialSrid ? ' SRID 0' : ''}`, 'geometry', {
        choices: ['POINT(1 2)', 'LINESTRING(0 0,1 1,2 3)', 'POLYGON((0 0,4 0,4 4,0 4,0 0))'].map((wkt) => ({ wkt })),
      }),
      col('POINT', 'point', { choices: [null, { wkt: 'POINT(-71.06 42.36)' }] }),
    ],
    keys: [...PK0, 'SPATIAL KEY ({1})'],
    uniques: [[0]],
    engines: caps.aria ? ['InnoDB', 'MyISAM', 'Aria'] : ['InnoDB', 'MyISAM'],
    rowFormats: {},
    edges: [],
  }),
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
  'fk-parent': () => ({
    columns: [ID, str('VARCHAR(10) NOT NULL', 'varchar', 10, 'utf8mb4')],
    keys: [...PK0, 'UNIQUE KEY ({1})'],
    uniques: [[0], [1]],
    engines: ['InnoDB'],
    rowFormats: {},
    edges: [],
  }),
  // Every action InnoDB accepts (SET DEFAULT: both servers' InnoDB refuse it), and a reference to itself.
  'fk-child': () => ({
    columns: [ID, col('INT', 'int'), col('INT', 'int'), col('INT', 'int'), str('VARCHAR(10)', 'varchar', 10, 'utf8mb4'), col('INT', 'int')],
    keys: PK0,
    uniques: [[0]],
    engines: ['InnoDB'],
    rowFormats: {},
    foreignKeys: [
      { columns: [1], refColumns: [0], self: false, actions: 'ON DELETE CASCADE ON UPDATE CASCADE' },
      { columns: [2], refColumns: [0], self: false, actions: 'ON DELETE SET NULL ON UPDATE RESTRICT' },
      { columns: [3], refColumns: [0], self: false, actions: 'ON DELETE NO ACTION ON UPDATE SET NULL' },
      { columns: [4], refColumns: [1], self: false, actions: 'ON DELETE RESTRICT ON UPDATE NO ACTION' },
      { columns: [5], refColumns: [0], self: true, actions: 'ON DELETE SET NULL' },
    ],
    edges: [],
  }),
  'case-pair': () => ({
    columns: [ID, str('VARCHAR(20)', 'varchar', 20, 'utf8mb4')],
    keys: PK0,
    uniques: [[0]],
    engines: ['InnoDB'],
    rowFormats: {},
    edges: [],
  }),
  'system-versioned': (caps) =>
    caps.versioning
      ? {
          columns: [ID, col('INT', 'int')],
          keys: PK0,
          uniques: [[0]],
          engines: ['InnoDB'],
          rowFormats: {},
          tail: 'WITH SYSTEM VERSIONING',
          edges: [],
          after: ['UPDATE {t} SET {1} = {1} DIV 2 ORDER BY {0} LIMIT 3', 'DELETE FROM {t} ORDER BY {0} DESC LIMIT 1'],
        }
      : null,
  'application-period': (caps) =>
    caps.periods
      ? {
          columns: [
            ID,
            col('DATE NOT NULL', 'date', { choices: ['2020-01-01', '2021-06-30'] }),
            col('DATE NOT NULL', 'date', { choices: ['2030-01-01', '2031-12-31'] }),
          ],
          keys: [...PK0, 'PERIOD FOR {period} ({1}, {2})'],
          uniques: [[0]],
          engines: ['InnoDB'],
          rowFormats: {},
          edges: [],
        }
      : null,
  sequence: (caps) => (caps.sequences ? { columns: [], keys: [], uniques: [], engines: ['InnoDB'], rowFormats: {}, edges: [] } : null),
  'network-types': (caps) =>
    caps.networkTypes
      ? {
          columns: [
            ID,
            col('INET6', 'inet6', { choices: ['::', '::1', '2001:db8::ff00:42:8329', '::ffff:192.0.2.1', null] }),
            col('UUID', 'uuid'),
            col('INET4', 'inet4'),
          ],
          keys: PK0,
          uniques: [[0]],
          engines: ['InnoDB'],
          rowFormats: {},
          edges: [[1_000_001, '::', '00000000-0000-0000-0000-000000000000', '0.0.0.0']],
        }
      : null,
};

function partitioned(caps: Caps, part: ColumnDef, clause: string): TableShape {
  return {
    columns: [ID, part, str('VARCHAR(10)', 'varchar', 10, 'utf8mb4')],
    keys: ['PRIMARY KEY ({0}, {1})'],
    uniques: [[0, 1]],
    engines: caps.partitionEngines,
    rowFormats: {},
    partition: clause,
    edges: [],
  };
}

export const TABLE_KINDS = Object.keys(SHAPES) as TableKind[];

/** The kind's shape on a flavor, or null when the flavor cannot hold it. */
export function shapeOf(kind: TableKind, caps: Caps): TableShape | null {
  return SHAPES[kind](caps);
}
