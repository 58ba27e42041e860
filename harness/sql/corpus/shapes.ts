import type { Caps } from './caps.js';
import type { TableKind } from './model.js';
import type { ShapeSet, TableShape } from './shape-kit.js';
import { COLUMN_SHAPES } from './shapes-columns.js';
import { FEATURE_SHAPES } from './shapes-features.js';
import { STORAGE_SHAPES } from './shapes-storage.js';

export type { TableShape } from './shape-kit.js';

/**
 * Every table kind's shape (shape-kit.ts says what a shape is), by subject. The order is the corpus's: a seed draws
 * kinds by their position, so a new kind goes at the end of its group's file and an old one never moves.
 */
const SHAPES: ShapeSet<TableKind> = { ...COLUMN_SHAPES, ...STORAGE_SHAPES, ...FEATURE_SHAPES };

export const TABLE_KINDS = Object.keys(SHAPES) as TableKind[];

/** The kind's shape on a flavor, or null when the flavor cannot hold it. */
export function shapeOf(kind: TableKind, caps: Caps): TableShape | null {
  return SHAPES[kind](caps);
}
