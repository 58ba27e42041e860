import { qualified } from './inspect.js';
import type { Statement } from './dialect.js';

/** Rows {Log_name, File_size}: the server's binary log files, oldest first (same on both families). */
export const binaryLogs = (): Statement => ({ sql: 'SHOW BINARY LOGS' });

/** The accident a point-in-time recovery undoes: someone drops a table on the primary. */
export const dropTable = (db: string, table: string): Statement => ({ sql: `DROP TABLE ${qualified(db, table)}` });

/** Closes the current binlog and opens the next (what a server restart or max_binlog_size does). */
export const flushBinaryLogs = (): Statement => ({ sql: 'FLUSH BINARY LOGS' });
