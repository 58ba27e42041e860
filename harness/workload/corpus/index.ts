export { ACCOUNT_KINDS, OBJECT_KINDS, corpusArb, corpusFor, tableKindsOf, writeCorpusDump } from './corpus.js';
export type { CorpusOptions } from './corpus.js';
