export { ACCOUNT_KINDS, authKindsOf, corpusArb, corpusFor, OBJECT_KINDS, tableKindsOf } from './corpus.js';
