export type { AccountCase, AccountKind, Corpus, DefinerKind, Engine, ObjectCase, ObjectKind, TableCase, TableKind } from './model.js';
export { capsOf, type Caps } from './caps.js';
export { shapeOf, TABLE_KINDS, type ColumnDef, type TableShape } from './shapes.js';
export { renderDump } from './dump.js';
export { accountMutation, definitionMutation, grantMutation, rowMutation, type Mutation } from './mutate.js';
