import { bulkInsert, bulkRowSelect } from './workload.js';
import { quoteId } from './inspect.js';
import { bootstrapUsersWith, filtersOf, type Dialect, type ReplicaState, type ReplicationSource } from './dialect.js';

const conn = (channel?: string) => (channel ? ` '${channel.replace(/'/g, "''")}'` : '');

export const mariadb: Dialect = {
  family: 'mariadb',
  // PROXY as root@localhost has it: a whole-server dump grants PROXY (to root@localhost), which only an account
  // holding PROXY WITH GRANT OPTION may do (else ERROR 1698 in the middle of the load).
  bootstrapUsers: bootstrapUsersWith('REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR', [
    "GRANT PROXY ON ''@'%' TO ?@? WITH GRANT OPTION",
  ]),
  changeSource: (s: ReplicationSource) => ({
    sql:
      `CHANGE MASTER${conn(s.channel)} TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?, ` +
      // MASTER_SSL = 0: 11.4+ replicas require SSL by default; drill servers talk plaintext on their private network.
      'MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1, MASTER_SSL = 0',
    values: [s.host, s.port, s.user, s.password],
  }),
  startReplica: (c) => ({ sql: `START SLAVE${conn(c)}` }),
  stopReplica: (c) => ({ sql: `STOP SLAVE${conn(c)}` }),
  resetReplicaAll: (c) => ({ sql: `RESET SLAVE${conn(c)} ALL` }),
  stopReplicaSqlThread: (c) => ({ sql: `STOP SLAVE${conn(c)} SQL_THREAD` }),
  startReplicaSqlThread: (c) => ({ sql: `START SLAVE${conn(c)} SQL_THREAD` }),
  replicaStatus: () => ({ sql: 'SHOW ALL SLAVES STATUS' }),
  gtidExecuted: () => ({ sql: 'SELECT @@GLOBAL.gtid_current_pos AS gtid' }),
  gtidWritten: () => ({ sql: 'SELECT @@GLOBAL.gtid_binlog_state AS gtid' }),
  gtidWriterIdentity: () => ({ sql: 'SELECT CAST(@@GLOBAL.server_id AS CHAR) AS w' }),
  gtidReplicaPos: () => ({ sql: 'SELECT @@GLOBAL.gtid_slave_pos AS gtid' }),
  waitForGtid: (gtid, timeoutS) => ({ sql: 'SELECT MASTER_GTID_WAIT(?, ?) AS r', values: [gtid, timeoutS] }),
  setReadOnly: (on) => ({ sql: `SET GLOBAL read_only = ${on ? 'ON' : 'OFF'}` }),
  version: () => ({ sql: 'SELECT VERSION() AS v' }),
  bulkSession: () => [],
  // The SEQUENCE engine's seq_<lo>_to_<hi> table numbers the rows.
  insertBulkRange: (lo, hi, db) => ({ sql: `${bulkInsert(db)} ${bulkRowSelect('seq')} FROM ${quoteId(db)}.seq_${lo}_to_${hi}` }),
  loadSessionInit: () => 'SET SESSION sql_log_bin = 0',
  adoptReplicaPosition: (gtid) => [{ sql: 'SET GLOBAL gtid_slave_pos = ?', values: [gtid] }],
  // Row events fire replica triggers with slave_run_triggers_for_rbr; the session's last GTID names the DELETE.
  poisonDelete: (del) => ({ statements: [del], gtid: { sql: 'SELECT @@SESSION.last_gtid AS gtid' } }),
  skipTransaction: (_gtid, newPos) => [{ sql: 'SET GLOBAL gtid_slave_pos = ?', values: [newPos] }],
  // mariadb-dump --system=users writes one `CREATE USER \`u\`@\`h\` …;` per line.
  wholeDumpFilter: (own) =>
    [
      ...own.map((u) => `/^CREATE USER \`${u.replace(/`/g, '``').replace(/[\\/.*+?^$()[\]{}|]/g, '\\$&')}\`@/d`),
      's/^CREATE USER `/CREATE OR REPLACE USER `/',
    ].join('\n'),
};

/** Reads SHOW ALL SLAVES STATUS rows. */
export function mariadbReplicaState(row: Record<string, unknown>): ReplicaState {
  const sbm = row['Seconds_Behind_Master'];
  return {
    channel: String(row['Connection_name'] ?? ''),
    ioRunning: String(row['Slave_IO_Running'] ?? ''),
    ioState: String(row['Slave_IO_State'] ?? ''),
    sqlRunning: String(row['Slave_SQL_Running'] ?? ''),
    lastIoError: String(row['Last_IO_Error'] ?? ''),
    lastSqlError: String(row['Last_SQL_Error'] ?? ''),
    secondsBehind: sbm === null || sbm === undefined ? null : Number(sbm),
    gtidPos: String(row['Gtid_Slave_Pos'] ?? ''),
    sourceHost: String(row['Master_Host'] ?? ''),
    received: String(row['Gtid_IO_Pos'] ?? ''),
    delaySeconds: Number(row['SQL_Delay'] ?? 0),
    filters: filtersOf(row),
  };
}
