import type { Family } from '../core/index.js';

export interface Statement {
  sql: string;
  values?: unknown[];
}

export interface ReplicationSource {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Named connection (MariaDB multi-source) or channel (MySQL); '' for the default one. */
  channel?: string;
}

/** SQL text for one server family. Procedures ask the dialect; they never branch on the flavor themselves. */
export interface Dialect {
  family: Family;
  /** Statements run once on every new node, with binary logging off so no node gets a GTID of its own. */
  bootstrapUsers(p: { admin: string; adminPassword: string; repl: string; replPassword: string }): Statement[];
  changeSource(src: ReplicationSource): Statement;
  startReplica(channel?: string): Statement;
  stopReplica(channel?: string): Statement;
  stopReplicaSqlThread(channel?: string): Statement;
  /** Forgets a stopped channel's replication settings (what the seed's catch-up leaves behind: none). */
  resetReplicaAll(channel?: string): Statement;
  startReplicaSqlThread(channel?: string): Statement;
  /** Rows of the replica status, one per channel. */
  replicaStatus(): Statement;
  /** One row, column `gtid`: every transaction this server has applied or written. */
  gtidExecuted(): Statement;
  /** One row, column `gtid`: every transaction this server wrote to its binlog, its own and replicated (MariaDB
   * gtid_binlog_state, MySQL gtid_executed): what errant-transaction detection compares. */
  gtidWritten(): Statement;
  /** One row, column `w`: how this server is named as the writer of its own GTIDs (server id, or server uuid). */
  gtidWriterIdentity(): Statement;
  /** One row, column `gtid`: the replication position (what a replica resumes from). */
  gtidReplicaPos(): Statement;
  /** One row, column `r`: 0 when the position was reached, -1 on timeout. */
  waitForGtid(gtid: string, timeoutS: number): Statement;
  setReadOnly(on: boolean): Statement;
  /** One row, column `v`: the server's version string. */
  version(): Statement;
  /** Session settings before generating the bulk table. */
  bulkSession(): Statement[];
  /** Rows lo..hi of the generated bulk table: deterministic content, about 400 bytes a row on disk. */
  insertBulkRange(lo: number, hi: number, db: string): Statement;
  /**
   * The statements that run a DELETE on the primary so that replicas fire their own triggers when applying it,
   * and a query (column `gtid`, same session) for the GTID it got.
   */
  poisonDelete(del: Statement): { statements: Statement[]; gtid: Statement };
  /** Skips one transaction on a stopped replica: `newPos` is the position past it (GTID algebra `advance`). */
  skipTransaction(gtid: string, newPos: string): Statement[];
  /** Session statement the client runs before loading a logical dump: binary logging off, so no GTIDs are minted. */
  loadSessionInit(): string;
  /** After a logical load: make the server's replication position the dump's (where the dump does not do it). */
  adoptReplicaPosition(gtid: string): Statement[];
  /**
   * A sed program for loading a whole-server dump into a fresh server: the dump's CREATE USER of an account the fresh
   * server already has (mariadb.sys, root@localhost) would fail (ERROR 1396), so the dump's version replaces it
   * (comparison rule system-account-on-fresh-server); the restore's own accounts (`own`) stay as the restore made them.
   * Absent where the family's whole-server dumps carry accounts as grant-table rows (MySQL: loaded as they are).
   */
  wholeDumpFilter?(own: readonly string[]): string;
  /** Physical copy of the whole server into a local directory (MySQL clone plugin); absent where unsupported. */
  cloneInto?(dir: string): Statement;
}

/** Maps a replica-status row to the fields firedrill reads, whatever the family calls them. */
export interface ReplicaState {
  channel: string;
  ioRunning: string;
  /** What the IO thread is doing (Slave_IO_State / Replica_IO_State), e.g. reconnecting while still running. */
  ioState: string;
  sqlRunning: string;
  lastIoError: string;
  lastSqlError: string;
  secondsBehind: number | null;
  gtidPos: string;
  /** The host it replicates from (as given to CHANGE MASTER / CHANGE REPLICATION SOURCE). */
  sourceHost: string;
  /** What the IO thread has received (MariaDB Gtid_IO_Pos, MySQL Retrieved_Gtid_Set), applied or not. */
  received: string;
  /** Seconds the SQL thread waits behind the primary on purpose (MASTER_DELAY / SOURCE_DELAY). */
  delaySeconds: number;
  /** Replication filters in force (Replicate_Do_DB, Replicate_Ignore_Table, ...), as `name=value`. */
  filters: string[];
}

const FILTER_COLUMNS = [
  'Replicate_Do_DB',
  'Replicate_Ignore_DB',
  'Replicate_Do_Table',
  'Replicate_Ignore_Table',
  'Replicate_Wild_Do_Table',
  'Replicate_Wild_Ignore_Table',
  'Replicate_Rewrite_DB',
];

/** The replication filters of a status row (the column names are the same in both families). */
export const filtersOf = (row: Record<string, unknown>): string[] =>
  FILTER_COLUMNS.filter((c) => row[c] !== undefined && row[c] !== null && String(row[c]) !== '').map((c) => `${c}=${String(row[c])}`);

/**
 * firedrill's two users, created with binary logging off so no node gets a GTID of its own: an admin, and a
 * replication user with the grants the family needs.
 */
export function bootstrapUsersWith(replGrants: string, adminExtra: readonly string[] = []) {
  return ({
    admin,
    adminPassword,
    repl,
    replPassword,
  }: {
    admin: string;
    adminPassword: string;
    repl: string;
    replPassword: string;
  }): Statement[] => [
    { sql: 'SET SESSION sql_log_bin = 0' },
    { sql: 'CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', values: [admin, '%', adminPassword] },
    { sql: 'GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', values: [admin, '%'] },
    ...adminExtra.map((sql) => ({ sql, values: [admin, '%'] })),
    { sql: 'CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', values: [repl, '%', replPassword] },
    { sql: `GRANT ${replGrants} ON *.* TO ?@?`, values: [repl, '%'] },
    { sql: 'SET SESSION sql_log_bin = 1' },
  ];
}
