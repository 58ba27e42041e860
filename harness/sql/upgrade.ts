/**
 * SQL for pre-upgrade validation: reading what an old server holds (objects, accounts, variables) and setting up a
 * replay session the way an application's would be. MariaDB and MySQL share these information_schema reads.
 */
import type { Statement } from './dialect.js';

const SYSTEM = "('mysql','information_schema','performance_schema','sys')";

/** Columns with their character set and collation, and every identifier a reserved-word rule must look at. */
export const columns = (): Statement => ({
  sql: `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, COLUMN_NAME AS col, DATA_TYPE AS type,
  CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA NOT IN ${SYSTEM} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
});

export const tables = (): Statement => ({
  sql: `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine,
  TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA NOT IN ${SYSTEM} ORDER BY 1, 2`,
});

export const schemata = (): Statement => ({
  sql: `SELECT SCHEMA_NAME AS db, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA
  WHERE SCHEMA_NAME NOT IN ${SYSTEM} ORDER BY 1`,
});

/** Routines, views, triggers and events with their text and the sql_mode they were created under. */
export const routines = (): Statement => ({
  sql: `SELECT ROUTINE_SCHEMA AS db, ROUTINE_NAME AS name, ROUTINE_TYPE AS type, ROUTINE_DEFINITION AS body,
  SQL_MODE AS sqlMode, COLLATION_CONNECTION AS collation FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA NOT IN ${SYSTEM} ORDER BY 1, 2`,
});
export const views = (): Statement => ({
  sql: `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name, 'VIEW' AS type, VIEW_DEFINITION AS body,
  NULL AS sqlMode, COLLATION_CONNECTION AS collation FROM information_schema.VIEWS WHERE TABLE_SCHEMA NOT IN ${SYSTEM} ORDER BY 1, 2`,
});
export const triggers = (): Statement => ({
  sql: `SELECT TRIGGER_SCHEMA AS db, TRIGGER_NAME AS name, 'TRIGGER' AS type, ACTION_STATEMENT AS body,
  SQL_MODE AS sqlMode, COLLATION_CONNECTION AS collation FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA NOT IN ${SYSTEM} ORDER BY 1, 2`,
});
export const events = (): Statement => ({
  sql: `SELECT EVENT_SCHEMA AS db, EVENT_NAME AS name, 'EVENT' AS type, EVENT_DEFINITION AS body,
  SQL_MODE AS sqlMode, COLLATION_CONNECTION AS collation FROM information_schema.EVENTS WHERE EVENT_SCHEMA NOT IN ${SYSTEM} ORDER BY 1, 2`,
});

/** Accounts with their authentication plugin and whether they have a password (never the hash itself). MariaDB's
 * mysql.global_priv: the upgrade rules are MariaDB version steps. */
export const accounts = (): Statement => ({
  sql: `SELECT User AS user, Host AS host, IFNULL(JSON_VALUE(Priv, '$.plugin'), '') AS plugin,
  IFNULL(JSON_VALUE(Priv, '$.authentication_string'), '') = '' AS noPassword,
  IFNULL(JSON_VALUE(Priv, '$.account_locked'), 0) IN ('1', 'true') AS locked
  FROM mysql.global_priv WHERE IFNULL(JSON_VALUE(Priv, '$.is_role'), 'false') NOT IN ('1', 'true')`,
});

export const version = (): Statement => ({ sql: 'SELECT VERSION() AS v' });

/** Authentication plugins the server has, active or loadable from its plugin directory. */
export const authPlugins = (): Statement => ({
  sql: `SELECT PLUGIN_NAME AS name, PLUGIN_STATUS AS status FROM information_schema.ALL_PLUGINS
  WHERE PLUGIN_TYPE = 'AUTHENTICATION'`,
});

/** Plugins the server runs from a library (INSTALL SONAME, mysql.plugin or plugin_load_add), not built in. */
export const libraryPlugins = (): Statement => ({
  sql: `SELECT PLUGIN_NAME AS name, PLUGIN_TYPE AS type, PLUGIN_LIBRARY AS library FROM information_schema.PLUGINS
  WHERE PLUGIN_LIBRARY IS NOT NULL AND PLUGIN_STATUS = 'ACTIVE' ORDER BY 1`,
});

/** Every plugin the server has, built in, loaded or loadable from a library of its plugin directory (SHOW PLUGINS SONAME). */
export const allPlugins = (): Statement => ({
  sql: 'SELECT PLUGIN_NAME AS name, PLUGIN_STATUS AS status, PLUGIN_LIBRARY AS library FROM information_schema.ALL_PLUGINS',
});

/** Asks the server whether it takes an sql_mode value (it refuses unknown or removed ones). */
export const trySqlMode = (mode: string): Statement => ({ sql: 'SET SESSION sql_mode = ?', values: [mode] });
export const tryOldMode = (mode: string): Statement => ({ sql: 'SET SESSION old_mode = ?', values: [mode] });

// ---- replay sessions ----

/**
 * The application's default session: the character set only, so the server's own default collation for it applies
 * (mysql2 announces utf8mb4_unicode_ci in its handshake, which would otherwise pin the collation on both sides).
 */
export const setNames = (charset: string): Statement => ({ sql: `SET NAMES ${charset.replace(/[^A-Za-z0-9_]/g, '')}` });
export const sessionCollation = (): Statement => ({ sql: 'SELECT @@collation_connection AS collation, @@sql_mode AS sqlMode' });
export const useDatabase = (db: string): Statement => ({ sql: `USE \`${db.replace(/`/g, '``')}\`` });
export const showWarnings = (): Statement => ({ sql: 'SHOW WARNINGS' });
export const explain = (query: string): Statement => ({ sql: `EXPLAIN ${query}` });
export const begin = (): Statement => ({ sql: 'START TRANSACTION' });
export const rollback = (): Statement => ({ sql: 'ROLLBACK' });

// ---- rolling upgrade (MariaDB: the version steps firedrill upgrades) ----

/** A slow shutdown before new binaries open the datadir (InnoDB purges and merges everything). */
export const slowShutdown = (): Statement => ({ sql: 'SET GLOBAL innodb_fast_shutdown = 0' });
/**
 * A former primary about to replicate: its replica position becomes everything it wrote, so it asks its new source
 * only for what comes after (MASTER_USE_GTID = slave_pos).
 */
export const adoptOwnPositionAsReplica = (): Statement => ({ sql: 'SET GLOBAL gtid_slave_pos = @@GLOBAL.gtid_binlog_pos' });

// ---- concurrent replay: one connection per logged session, a blocked statement seen on the server ----
export const connectionId = (): Statement => ({ sql: 'SELECT CONNECTION_ID() AS id' });
/** The connections among `ids` that wait for a lock now: an InnoDB row lock (LOCK WAIT) or a table/metadata lock. */
export const lockWaiters = (ids: readonly number[]): Statement => ({
  sql: `SELECT p.ID AS id, p.STATE AS state, t.trx_state AS trxState
          FROM information_schema.PROCESSLIST p
          LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID
         WHERE p.ID IN (?) AND (t.trx_state = 'LOCK WAIT' OR p.STATE LIKE 'Waiting for %lock%')`,
  values: [ids.length ? [...ids] : [0]],
});
