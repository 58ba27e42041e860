export { Ledger } from './ledger.js';
export type { LedgerEntry, LedgerSummary } from './ledger.js';
export { WriteWorkload } from './writer.js';
export type { WorkloadOptions } from './writer.js';
export { loadSakila, loadBulk } from './datasets.js';
export { datasetSource, planDataset, refuseClashes, loadDataset } from './sources.js';
export type { DatasetSource, DatasetPlan, DatasetInfo } from './sources.js';
export { compressionOf } from './dump-reader.js';
export { WritableRouter } from './router.js';
