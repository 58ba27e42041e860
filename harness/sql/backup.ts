import type { Statement } from './dialect.js';

/** The seed's snapshot lock: all tables flushed and no writes until UNLOCK TABLES (same on MariaDB and MySQL). */
export const flushTablesWithReadLock = (): Statement => ({ sql: 'FLUSH TABLES WITH READ LOCK' });
export const unlockTables = (): Statement => ({ sql: 'UNLOCK TABLES' });
/** A statement that keeps the server busy on a connection (stands in for a long backup statement such as CLONE). */
export const busyFor = (seconds: number): Statement => ({ sql: 'SELECT SLEEP(?) AS slept', values: [seconds] });
