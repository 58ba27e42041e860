import type { Statement } from './dialect.js';

/** The seed's snapshot lock: all tables flushed and no writes until UNLOCK TABLES (same on MariaDB and MySQL). */
export const flushTablesWithReadLock = (): Statement => ({ sql: 'FLUSH TABLES WITH READ LOCK' });
export const unlockTables = (): Statement => ({ sql: 'UNLOCK TABLES' });
