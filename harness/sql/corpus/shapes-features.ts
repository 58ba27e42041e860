/** Table kinds by relation and server feature: foreign keys, names differing by case, system-versioned and application-time tables, sequences, MariaDB's network types. */
import { col, ID, PK0, str, type ShapeSet } from './shape-kit.js';
import type { TableKind } from './model.js';

export const FEATURE_SHAPES = {
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
} satisfies Partial<ShapeSet<TableKind>>;
