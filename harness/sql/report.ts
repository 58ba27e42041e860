import type { Statement } from './dialect.js';
import { SYSTEM_SCHEMAS } from './inspect.js';

/** Read-only statements for a drill's provenance (the same on MariaDB and MySQL). */

/** Size of each user database as the server reports it (InnoDB estimates rows; bytes are allocated pages). */
export const databaseSizes = (): Statement => ({
  sql: `SELECT TABLE_SCHEMA AS db, COUNT(*) AS tables, COALESCE(SUM(TABLE_ROWS), 0) AS estRows, COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) AS bytes
        FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN (${SYSTEM_SCHEMAS.map(() => '?').join(',')})
        GROUP BY TABLE_SCHEMA ORDER BY TABLE_SCHEMA`,
  values: [...SYSTEM_SCHEMAS],
});

export const versionAndServer = (): Statement => ({
  sql: 'SELECT VERSION() AS version, @@version_comment AS comment, @@server_id AS serverId',
});
