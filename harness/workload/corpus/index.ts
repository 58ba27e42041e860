export { corpusArb, corpusFor } from './corpus.js';
