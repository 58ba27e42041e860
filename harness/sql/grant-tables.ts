import type { Statement } from './dialect.js';
import { quoteId } from './inspect.js';

// An account as the grant tables store it: what a server holds even when it ignores the account (a host name under
// skip_name_resolve makes SHOW GRANTS and SHOW CREATE USER fail for it). The same on MariaDB and MySQL: each reads
// the tables its version has (MariaDB: global_priv, roles_mapping; MySQL: user, role_edges, default_roles,
// global_grants; both: db, tables_priv, columns_priv, procs_priv, proxies_priv).

/** The columns that name the account a row belongs to, per grant table. */
const ACCOUNT_TABLES: Readonly<Record<string, { user: string; host: string }>> = {
  global_priv: { user: 'User', host: 'Host' },
  user: { user: 'User', host: 'Host' },
  db: { user: 'User', host: 'Host' },
  tables_priv: { user: 'User', host: 'Host' },
  columns_priv: { user: 'User', host: 'Host' },
  procs_priv: { user: 'User', host: 'Host' },
  proxies_priv: { user: 'User', host: 'Host' },
  roles_mapping: { user: 'User', host: 'Host' },
  role_edges: { user: 'TO_USER', host: 'TO_HOST' },
  default_roles: { user: 'USER', host: 'HOST' },
  global_grants: { user: 'USER', host: 'HOST' },
};

/**
 * Columns that record when or by whom a grant was made, not what it grants: a dump loaded again, or a GRANT run again,
 * changes them. Left out of the comparison.
 */
export const VOLATILE_COLUMNS: ReadonlySet<string> = new Set(['timestamp', 'grantor', 'password_last_changed', 'password_timestamp']);
/** Keys of MariaDB's global_priv.Priv JSON of the same kind (version_id: the server version that last wrote the row). */
export const VOLATILE_PRIV_KEYS: ReadonlySet<string> = new Set(['password_last_changed', 'version_id']);
/** Keys of global_priv.Priv whose empty value means the same as no key (SET DEFAULT ROLE NONE, as a dump writes it). */
export const EMPTY_MEANS_ABSENT_PRIV_KEYS: ReadonlySet<string> = new Set(['default_role']);
/** Columns and JSON keys that hold an authentication secret (compared by digest, never kept). */
export const SECRET_COLUMNS: ReadonlySet<string> = new Set(['authentication_string', 'password']);

/** Which of the grant tables this server has as base tables (MariaDB's mysql.user is a view over global_priv). */
export const grantTablesPresent = (): Statement => ({
  sql: `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mysql' AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME IN (${Object.keys(
    ACCOUNT_TABLES,
  )
    .map(() => '?')
    .join(', ')}) ORDER BY TABLE_NAME`,
  values: Object.keys(ACCOUNT_TABLES),
});

/** Every row of one grant table that belongs to the account. */
export function accountRows(table: string, user: string, host: string): Statement {
  const k = ACCOUNT_TABLES[table];
  if (!k) throw new Error(`not a grant table: ${table}`);
  return { sql: `SELECT * FROM mysql.${quoteId(table)} WHERE ${quoteId(k.user)} = ? AND ${quoteId(k.host)} = ?`, values: [user, host] };
}

/** Whether the server ignores accounts whose host is a name (one row, column `v`: 1 or 0). */
export const skipNameResolve = (): Statement => ({ sql: 'SELECT @@skip_name_resolve AS v' });

/** Reloads the grant tables after a dump replaced them; not written to the binary log (it would mint a GTID). */
export const reloadGrantTables = (): Statement => ({ sql: 'FLUSH NO_WRITE_TO_BINLOG PRIVILEGES' });

/**
 * The bootstrap statements that still apply after a load replaced the grant tables row by row (a mydumper folder of
 * the mysql schema) and they were reloaded: all but a PROXY grant, which only an account holding PROXY WITH GRANT
 * OPTION may give, and the reloaded tables give the test's admin none (its session, opened before, still runs).
 */
export const withoutProxyGrants = (stmts: readonly Statement[]): Statement[] => stmts.filter((s) => !/^GRANT PROXY\b/i.test(s.sql));
