/**
 * SQL for failovers: whether a replica can be promoted, promotion (events enabled again), fencing, replication
 * delay and stalls, semi-synchronous replication. One object per server family (the flavor adapter's `failover`).
 */
import type { Statement } from './dialect.js';
import { quoteId } from './inspect.js';

/** What a family says about failovers; the statements common to both families are below. */
export interface FailoverSql {
  /** One row: logBin, replicaUpdates (log_slave_updates / log_replica_updates), gtidStrict, readOnly, eventScheduler. */
  promotability(): Statement;
  /** A read-only that holds for every account (MySQL super_read_only; MariaDB read_only, which binds all but READ_ONLY ADMIN). */
  fence(): Statement;
  /** The replica's SQL thread applies events `seconds` after they were written on the primary (stopped replica). */
  delay(seconds: number): Statement;
  stopIoThread(): Statement;
  startIoThread(): Statement;
  /**
   * A stopped replica started again to apply every transaction up to `lastApplied` and stop before `firstNotApplied`
   * (the next one in the source's binary log): MariaDB `UNTIL master_gtid_pos` (inclusive), MySQL `UNTIL
   * SQL_BEFORE_GTIDS` (exclusive). Both name the same stop point.
   */
  startUntil(lastApplied: string, firstNotApplied: string): Statement;
  /**
   * A stopped replica gives its source up after `seconds` without an event (slave_net_timeout / replica_net_timeout),
   * with heartbeats every half of that so an idle source is not taken for a dead one.
   */
  netTimeout(seconds: number): Statement[];
  /** Statements that make the server able to act as a semi-synchronous primary and replica (plugins, where needed). */
  semiSyncInstall(): Statement[];
  /**
   * Semi-sync on: primary side waiting at `waitPoint` (AFTER_SYNC: before the commit is visible; AFTER_COMMIT: after),
   * with a timeout before the fallback to async; replica side (acknowledging) or off.
   */
  semiSyncEnable(timeoutMs: number, acknowledges: boolean, waitPoint: SemiSyncWaitPoint): Statement[];
  /** One row per status variable (Variable_name, Value): the primary side's status, clients, transactions. */
  semiSyncStatus(): Statement;
  /** The status variable whose value ON/OFF says semi-sync is in force on a primary. */
  semiSyncStatusVariable: string;
  /** An event of a demoted primary held as a replica holds it (not run), without binary logging (session statements). */
  disableOnReplica(db: string, name: string): Statement[];
  /** A former primary about to replicate: its own binlog position becomes where it resumes (MariaDB; MySQL: none). */
  adoptOwnPosition(): Statement[];
}

/** Where a semi-sync primary waits for a replica's acknowledgement: before its commit is visible, or after. */
export type SemiSyncWaitPoint = 'AFTER_SYNC' | 'AFTER_COMMIT';

const unlogged = (s: Statement): Statement[] => [{ sql: 'SET SESSION sql_log_bin = 0' }, s, { sql: 'SET SESSION sql_log_bin = 1' }];

/** Events the server runs (ENABLED): on a demoted primary they must be held as a replica holds them. */
export const enabledEvents = (): Statement => ({
  sql: "SELECT EVENT_SCHEMA AS db, EVENT_NAME AS name FROM information_schema.EVENTS WHERE STATUS = 'ENABLED' ORDER BY 1, 2",
});

/** The semi-sync wait point the server runs with (one row, Variable_name and Value; both families' names). */
export const semiSyncWaitPointSetting = (): Statement => ({ sql: "SHOW GLOBAL VARIABLES LIKE 'rpl\\_semi\\_sync\\_%wait\\_point'" });

/** How often a commit is flushed: the binary log (`sync_binlog`) and InnoDB's redo log (`innodb_flush_log_at_trx_commit`). */
export const setCommitFlush = (syncBinlog: number, flushLogAtTrxCommit: 0 | 1 | 2): Statement[] => {
  if (!Number.isInteger(syncBinlog) || syncBinlog < 0) throw new Error(`sync_binlog ${syncBinlog}: not a count`);
  return [{ sql: `SET GLOBAL sync_binlog = ${syncBinlog}` }, { sql: `SET GLOBAL innodb_flush_log_at_trx_commit = ${flushLogAtTrxCommit}` }];
};
/** The commit flush settings as the server runs them (columns `syncBinlog`, `flushAtCommit`). */
export const commitFlush = (): Statement => ({
  sql: 'SELECT @@GLOBAL.sync_binlog AS syncBinlog, @@GLOBAL.innodb_flush_log_at_trx_commit AS flushAtCommit',
});

/** Every server's read_only (column `ro`, 0 or 1): how a proxy tells the writable node. */
export const readOnly = (): Statement => ({ sql: 'SELECT @@GLOBAL.read_only AS ro' });

/** Events the server will not run: replicated ones stay replica-side disabled until enabled again (both families' names). */
export const replicaSideDisabledEvents = (): Statement => ({
  sql: `SELECT EVENT_SCHEMA AS db, EVENT_NAME AS name FROM information_schema.EVENTS
  WHERE STATUS IN ('SLAVESIDE_DISABLED', 'REPLICA_SIDE_DISABLED') ORDER BY 1, 2`,
});

export const enableEvent = (db: string, name: string): Statement => ({ sql: `ALTER EVENT ${quoteId(db)}.${quoteId(name)} ENABLE` });

/** firedrill's own scheduled event (it never fires: it starts in five years), so every dataset has one to follow through a failover. */
export const createOwnEvent = (db: string): Statement => ({
  sql: `CREATE EVENT IF NOT EXISTS ${quoteId(db)}.fd_nightly ON SCHEDULE EVERY 1 DAY STARTS CURRENT_TIMESTAMP + INTERVAL 5 YEAR ENABLE DO SET @fd_nightly = 1`,
});

export const mariadbFailover: FailoverSql = {
  promotability: () => ({
    sql: `SELECT @@GLOBAL.log_bin AS logBin, @@GLOBAL.log_slave_updates AS replicaUpdates,
    @@GLOBAL.gtid_strict_mode AS gtidStrict, @@GLOBAL.read_only AS readOnly, @@GLOBAL.event_scheduler AS eventScheduler`,
  }),
  fence: () => ({ sql: 'SET GLOBAL read_only = ON' }),
  delay: (s) => ({ sql: 'CHANGE MASTER TO MASTER_DELAY = ?', values: [s] }),
  stopIoThread: () => ({ sql: 'STOP SLAVE IO_THREAD' }),
  startIoThread: () => ({ sql: 'START SLAVE IO_THREAD' }),
  startUntil: (lastApplied) => ({ sql: 'START SLAVE UNTIL master_gtid_pos = ?', values: [lastApplied] }),
  netTimeout: (s) => [
    { sql: 'SET GLOBAL slave_net_timeout = ?', values: [s] },
    { sql: 'CHANGE MASTER TO MASTER_HEARTBEAT_PERIOD = ?', values: [s / 2] },
  ],
  semiSyncInstall: () => [], // built in since 10.3
  semiSyncEnable: (timeoutMs, acknowledges, waitPoint) => [
    { sql: 'SET GLOBAL rpl_semi_sync_master_wait_point = ?', values: [waitPoint] },
    { sql: 'SET GLOBAL rpl_semi_sync_master_timeout = ?', values: [timeoutMs] },
    { sql: 'SET GLOBAL rpl_semi_sync_master_enabled = ON' },
    { sql: `SET GLOBAL rpl_semi_sync_slave_enabled = ${acknowledges ? 'ON' : 'OFF'}` },
  ],
  semiSyncStatus: () => ({ sql: "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_%'" }),
  semiSyncStatusVariable: 'Rpl_semi_sync_master_status',
  adoptOwnPosition: () => [{ sql: 'SET GLOBAL gtid_slave_pos = @@GLOBAL.gtid_binlog_pos' }],
  disableOnReplica: (db, name) => unlogged({ sql: `ALTER EVENT ${quoteId(db)}.${quoteId(name)} DISABLE ON SLAVE` }),
};

export const mysqlFailover: FailoverSql = {
  promotability: () => ({
    sql: `SELECT @@GLOBAL.log_bin AS logBin, @@GLOBAL.log_replica_updates AS replicaUpdates,
    (@@GLOBAL.gtid_mode = 'ON') AS gtidStrict, @@GLOBAL.read_only AS readOnly, @@GLOBAL.event_scheduler AS eventScheduler`,
  }),
  fence: () => ({ sql: 'SET GLOBAL super_read_only = ON' }),
  delay: (s) => ({ sql: 'CHANGE REPLICATION SOURCE TO SOURCE_DELAY = ?', values: [s] }),
  stopIoThread: () => ({ sql: 'STOP REPLICA IO_THREAD' }),
  startIoThread: () => ({ sql: 'START REPLICA IO_THREAD' }),
  startUntil: (_lastApplied, firstNotApplied) => ({ sql: 'START REPLICA UNTIL SQL_BEFORE_GTIDS = ?', values: [firstNotApplied] }),
  netTimeout: (s) => [
    { sql: 'SET GLOBAL replica_net_timeout = ?', values: [s] },
    { sql: 'CHANGE REPLICATION SOURCE TO SOURCE_HEARTBEAT_PERIOD = ?', values: [s / 2] },
  ],
  semiSyncInstall: () => [
    { sql: "INSTALL PLUGIN rpl_semi_sync_source SONAME 'semisync_source.so'" },
    { sql: "INSTALL PLUGIN rpl_semi_sync_replica SONAME 'semisync_replica.so'" },
  ],
  semiSyncEnable: (timeoutMs, acknowledges, waitPoint) => [
    { sql: 'SET GLOBAL rpl_semi_sync_source_wait_point = ?', values: [waitPoint] },
    { sql: 'SET GLOBAL rpl_semi_sync_source_timeout = ?', values: [timeoutMs] },
    { sql: 'SET GLOBAL rpl_semi_sync_source_enabled = ON' },
    { sql: `SET GLOBAL rpl_semi_sync_replica_enabled = ${acknowledges ? 'ON' : 'OFF'}` },
  ],
  semiSyncStatus: () => ({ sql: "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_source_%'" }),
  semiSyncStatusVariable: 'Rpl_semi_sync_source_status',
  adoptOwnPosition: () => [], // auto-position starts from gtid_executed
  disableOnReplica: (db, name) => unlogged({ sql: `ALTER EVENT ${quoteId(db)}.${quoteId(name)} DISABLE ON REPLICA` }),
};
