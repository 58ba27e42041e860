export { Ledger } from './ledger.js';
export type { LedgerEntry, LedgerSummary, Outcome } from './ledger.js';
export { WriteWorkload } from './writer.js';
export type { WorkloadOptions, WriteTarget } from './writer.js';
export { loadSakila, loadBulk } from './datasets.js';
