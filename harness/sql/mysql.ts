import { bulkInsert, bulkRowSelect } from './workload.js';
import { bootstrapUsersWith, filtersOf, type Dialect, type ReplicaState, type ReplicationSource, type Statement } from './dialect.js';

/** The GTID firedrill gives a poison transaction on MySQL (a source uuid no server has). */
const POISON_GTID = 'fd0000de-ad00-4000-8000-00000000dead:1';

const channel = (c?: string) => (c ? ` FOR CHANNEL '${c.replace(/'/g, "''")}'` : '');

export const mysql: Dialect = {
  family: 'mysql',
  bootstrapUsers: bootstrapUsersWith('REPLICATION SLAVE, REPLICATION CLIENT, BACKUP_ADMIN, CLONE_ADMIN'),
  changeSource: (s: ReplicationSource) => ({
    sql:
      'CHANGE REPLICATION SOURCE TO SOURCE_HOST = ?, SOURCE_PORT = ?, SOURCE_USER = ?, SOURCE_PASSWORD = ?, ' +
      `SOURCE_AUTO_POSITION = 1, GET_SOURCE_PUBLIC_KEY = 1, SOURCE_CONNECT_RETRY = 1${channel(s.channel)}`,
    values: [s.host, s.port, s.user, s.password],
  }),
  startReplica: (c) => ({ sql: `START REPLICA${channel(c)}` }),
  stopReplica: (c) => ({ sql: `STOP REPLICA${channel(c)}` }),
  resetReplicaAll: (c) => ({ sql: `RESET REPLICA ALL${channel(c)}` }),
  stopReplicaSqlThread: (c) => ({ sql: `STOP REPLICA SQL_THREAD${channel(c)}` }),
  startReplicaSqlThread: (c) => ({ sql: `START REPLICA SQL_THREAD${channel(c)}` }),
  replicaStatus: () => ({ sql: 'SHOW REPLICA STATUS' }),
  gtidExecuted: () => ({ sql: 'SELECT @@GLOBAL.gtid_executed AS gtid' }),
  gtidWritten: () => ({ sql: 'SELECT @@GLOBAL.gtid_executed AS gtid' }),
  gtidWriterIdentity: () => ({ sql: 'SELECT @@GLOBAL.server_uuid AS w' }),
  gtidReplicaPos: () => ({ sql: 'SELECT @@GLOBAL.gtid_executed AS gtid' }),
  // WAIT_FOR_EXECUTED_GTID_SET returns 0 when reached and 1 on timeout.
  waitForGtid: (gtid, timeoutS) => ({ sql: 'SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS r', values: [gtid, timeoutS] }),
  setReadOnly: (on) => ({ sql: `SET GLOBAL read_only = ${on ? 'ON' : 'OFF'}` }),
  version: () => ({ sql: 'SELECT VERSION() AS v' }),
  bulkSession: () => [{ sql: 'SET SESSION cte_max_recursion_depth = 10000000' }],
  insertBulkRange: (lo, hi, db) => ({
    sql: `${bulkInsert(db)} WITH RECURSIVE s(n) AS (SELECT ${lo} UNION ALL SELECT n + 1 FROM s WHERE n < ${hi}) ${bulkRowSelect('n')} FROM s`,
  }),
  loadSessionInit: () => 'SET SESSION sql_log_bin = 0',
  // mysqldump --set-gtid-purged=ON writes SET @@GLOBAL.GTID_PURGED into the dump itself.
  adoptReplicaPosition: () => [],
  // MySQL replicas never fire triggers for row events, so the DELETE is logged as a statement (still accepted per
  // session). MySQL has no "last GTID" of a session, so the transaction gets a GTID of its own, chosen here.
  poisonDelete: (del) => ({
    statements: [
      { sql: "SET SESSION binlog_format = 'STATEMENT'" },
      { sql: `SET SESSION gtid_next = '${POISON_GTID}'` },
      del,
      { sql: "SET SESSION gtid_next = 'AUTOMATIC'" },
      { sql: "SET SESSION binlog_format = 'ROW'" },
    ],
    gtid: { sql: `SELECT '${POISON_GTID}' AS gtid` },
  }),
  // The standard way: commit an empty transaction with the skipped GTID.
  skipTransaction: (gtid) => [
    { sql: 'SET SESSION gtid_next = ?', values: [gtid] },
    { sql: 'BEGIN' },
    { sql: 'COMMIT' },
    { sql: "SET SESSION gtid_next = 'AUTOMATIC'" },
  ],
  cloneInto: (dir) => ({ sql: 'CLONE LOCAL DATA DIRECTORY = ?', values: [dir] }),
};

/** The server's own GTID set arithmetic (to check firedrill's against). */
export const gtidSetFunctions = (a: string, b: string): Statement => ({
  sql: 'SELECT GTID_SUBTRACT(?, ?) AS subtract, GTID_SUBSET(?, ?) AS subset',
  values: [a, b, a, b],
});

/** Reads SHOW REPLICA STATUS rows. */
export function mysqlReplicaState(row: Record<string, unknown>): ReplicaState {
  const sbs = row['Seconds_Behind_Source'];
  return {
    channel: String(row['Channel_Name'] ?? ''),
    ioRunning: String(row['Replica_IO_Running'] ?? ''),
    ioState: String(row['Replica_IO_State'] ?? ''),
    sqlRunning: String(row['Replica_SQL_Running'] ?? ''),
    lastIoError: String(row['Last_IO_Error'] ?? ''),
    lastSqlError: String(row['Last_SQL_Error'] ?? ''),
    secondsBehind: sbs === null || sbs === undefined || sbs === 'NULL' ? null : Number(sbs),
    gtidPos: String(row['Executed_Gtid_Set'] ?? ''),
    sourceHost: String(row['Source_Host'] ?? ''),
    received: String(row['Retrieved_Gtid_Set'] ?? ''),
    delaySeconds: Number(row['SQL_Delay'] ?? 0),
    filters: filtersOf(row),
  };
}

export type { Statement };
