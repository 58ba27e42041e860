export { ACCOUNT_KINDS, corpusArb, corpusFor, OBJECT_KINDS, tableKindsOf } from './corpus.js';
