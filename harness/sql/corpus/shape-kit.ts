import type { ColumnType } from '../../core/index.js';
import type { Caps } from './caps.js';
import type { Engine, TableKind } from './model.js';

/**
 * The shape of each table kind: its columns (SQL type text, and what the row generator needs to know of each), keys,
 * engines, ROW_FORMATs, partitioning, edge rows. `{n}` in a text stands for the n-th column's quoted name, `{t}` for
 * the table's qualified name. A kind a flavor cannot hold has no shape there (shapeOf returns null).
 */

export interface ColumnDef extends ColumnType {
  /** SQL after the column's name. */
  type: string;
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

export const col = (type: string, dataType: string, o: Partial<ColumnDef> = {}): ColumnDef => ({
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
export const ID = col('INT NOT NULL', 'int');
export const PK0 = ['PRIMARY KEY ({0})'];
export const str = (type: string, dataType: string, maxLength: number, charset: string) => col(type, dataType, { maxLength, charset });
const INNODB_FORMATS = ['DYNAMIC', 'COMPACT', 'REDUNDANT', 'COMPRESSED'];
export const ROW_FORMATS = (caps: Caps): TableShape['rowFormats'] => ({
  InnoDB: caps.pageCompressed ? [...INNODB_FORMATS, 'PAGE_COMPRESSED=1'] : INNODB_FORMATS,
  MyISAM: ['DYNAMIC'],
  Aria: ['PAGE', 'DYNAMIC'],
});
export const disk = (caps: Caps): Engine[] => (caps.aria ? ['InnoDB', 'MyISAM', 'Aria'] : ['InnoDB', 'MyISAM']);
/** A table keyed by its first column, on any disk engine with its ROW_FORMATs. */
export const keyedOnDisk = (caps: Caps) => ({ keys: PK0, uniques: [[0]], engines: disk(caps), rowFormats: ROW_FORMATS(caps) });

export function partitioned(caps: Caps, part: ColumnDef, clause: string): TableShape {
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

/** The shapes of some table kinds: each a function of the flavor's capabilities (null: the flavor cannot hold it). */
export type ShapeSet<K extends TableKind> = Record<K, (caps: Caps) => TableShape | null>;
