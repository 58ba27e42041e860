import type { FlavorId } from '../../core/index.js';

/**
 * The generated corpus as data: schemas, rows, objects and accounts a dump of a real server could hold. The
 * arbitraries (harness/workload/corpus/) choose the cases; the files beside this one turn them into the SQL text a
 * flavor accepts. Every case carries its `kind` so that a failure names the case that caused it.
 */

/** A table's shape: the kinds in TABLE_KINDS (tables.ts) say which columns, keys and options each one has. */
export type TableKind =
  | 'numbers'
  | 'strings'
  | 'temporal'
  | 'zero-dates'
  | 'json'
  | 'spatial'
  | 'fulltext'
  | 'generated'
  | 'no-key-duplicates'
  | 'unique-only'
  | 'memory'
  | 'aria'
  | 'partition-range'
  | 'partition-range-columns'
  | 'partition-list'
  | 'partition-hash'
  | 'partition-key'
  | 'subpartition'
  | 'fk-parent'
  | 'fk-child'
  | 'case-pair'
  | 'system-versioned'
  | 'application-period'
  | 'sequence'
  | 'network-types';

export type ObjectKind =
  | 'view-merge-check'
  | 'view-temptable'
  | 'view-cross-database'
  | 'triggers-ordered'
  | 'procedure-sql-mode'
  | 'function-charset'
  | 'event-enabled'
  | 'event-disabled';

export type AccountKind =
  | 'host-name'
  | 'wildcard'
  | 'ip-mask'
  | 'localhost'
  | 'role-default'
  | 'column-grant'
  | 'routine-grant'
  | 'resource-limits'
  | 'password-expiry'
  | 'locked'
  | 'require-ssl'
  | 'proxy'
  | AuthKind;

/**
 * An account authenticated by one of the plugins the build ships (drawn after every other choice, so that a seed keeps
 * its tables, objects and other accounts): MariaDB `ed25519`, `unix_socket`, both at once (`… OR unix_socket`), `parsec`
 * (11.6+); MySQL
 * `caching_sha2_password` with a stored hash, `sha256_password`, `auth_socket`, `mysql_no_login`.
 */
export type AuthKind =
  | 'auth-ed25519'
  | 'auth-unix-socket'
  | 'auth-two-plugins'
  | 'auth-parsec'
  | 'auth-caching-sha2'
  | 'auth-sha256'
  | 'auth-socket'
  | 'auth-no-login';

/** Whose name an object's DEFINER carries: an account the corpus creates, one whose host is a name, or one that does not exist. */
export type DefinerKind = 'existing' | 'host-name' | 'missing';

export type Engine = 'InnoDB' | 'MyISAM' | 'Aria' | 'MEMORY';

export interface TableCase {
  kind: TableKind;
  db: string;
  name: string;
  /** Column names in the order of the kind's columns (generated names: hyphens, spaces, unicode, reserved words). */
  columns: string[];
  engine: Engine;
  /** ROW_FORMAT (or PAGE_COMPRESSED=1) among what the engine and flavor accept; null: the default. */
  rowFormat: string | null;
  /** Rows as the kind's non-generated columns take them (strings, numbers, Buffers, null). */
  rows: unknown[][];
  /** `ENCRYPTED=YES ENCRYPTION_KEY_ID=n` (InnoDB, drawn only when the run has keys: `keys` of the corpus's options). */
  encryptionKeyId?: number;
}

export interface ObjectCase {
  kind: ObjectKind;
  db: string;
  name: string;
  definer: DefinerKind;
  /** Picks among the kind's variants (a routine's sql_mode, a function's character set, an event's schedule). */
  variant: number;
  /** The base table the object reads or fires on (a table of the corpus, db.name). */
  on: { db: string; name: string; columns: string[] };
}

export interface AccountCase {
  kind: AccountKind;
  user: string;
  /** The host part as stored (a name, a wildcard, an IP/mask, localhost). */
  host: string;
  /** The table a column grant names, the routine a routine grant names. */
  on?: { db: string; name: string; columns: string[] };
}

/**
 * Server options that change behaviour, as the team's my.cnf sets them (`--server-config`): drawn per corpus, so that
 * the comparisons and restores are tested on a server that is not firedrill's default one.
 */
export interface ServerOptionsCase {
  /** 1 folds table and database names to lower case; it can only be set when the datadir is initialised. */
  lowerCaseTableNames: 0 | 1;
  /** The time zone tables loaded (named zones in CONVERT_TZ answer) or left empty (they answer NULL). */
  timeZoneTables: boolean;
  /** The server's global sql_mode (what every session that does not set its own runs under, the harness's included). */
  sqlMode: string;
  explicitDefaultsForTimestamp: boolean;
  /** The server's default character set and collation (a database or table created without one takes them). */
  characterSet: string;
  collation: string;
}

export interface Corpus {
  flavor: FlavorId;
  seed: number;
  /** Databases in creation order; the first holds every table, the second the cross-database view. */
  databases: string[];
  tables: TableCase[];
  objects: ObjectCase[];
  accounts: AccountCase[];
  /** The account named by objects whose definer is 'host-name' and 'missing' (the first exists, the second never does). */
  definers: { existing: AccountCase; hostName: AccountCase; missing: { user: string; host: string } };
  /** The server options the corpus runs under (drawn when asked for: `serverOptions`); absent: firedrill's defaults. */
  options?: ServerOptionsCase;
  /** Objects whose behaviour the options decide (a database and table without a character set, a bare TIMESTAMP, a
   * CHAR read under PAD_CHAR_TO_FULL_LENGTH, CONVERT_TZ with named zones): present with `options`. */
  optionObjects?: { db: string; table: string; view: string };
}
