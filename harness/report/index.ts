export { consoleSummary, writeReport } from './write.js';
