export type {
  AccountCase,
  AccountKind,
  AuthKind,
  Corpus,
  DefinerKind,
  ObjectCase,
  ObjectKind,
  ServerOptionsCase,
  TableCase,
  TableKind,
} from './model.js';
export { capsOf } from './caps.js';
export { shapeOf, TABLE_KINDS } from './shapes.js';
export { renderDump } from './dump.js';
export { accountMutation, authMutation, definitionMutation, grantMutation, rowMutation, type Mutation } from './mutate.js';
export { isAuthKind, pluginsCnf, pluginsNeeded } from './auth.js';
export { charsetsOf, optionsCnf, sqlModesOf } from './options.js';
export { canEncrypt, encryptedTablespaces, keysNeeded } from './encryption.js';
