export type { Dialect, Statement, ReplicationSource, ReplicaState } from './dialect.js';
export { mariadb, mariadbReplicaState } from './mariadb.js';
export { mysql, mysqlReplicaState, gtidSetFunctions } from './mysql.js';
export * as inspect from './inspect.js';
export { quoteId, qualified } from './inspect.js';
export * as workloadSql from './workload.js';
export * as crashSql from './crash.js';
export * as galeraSql from './galera.js';
export * as backupSql from './backup.js';
export type { RowRef } from './crash.js';
import type { Family } from '../runtime/flavors.js';
import type { Dialect, ReplicaState } from './dialect.js';
import { mariadb, mariadbReplicaState } from './mariadb.js';
import { mysql, mysqlReplicaState } from './mysql.js';

const DIALECTS: Readonly<Record<Family, Dialect>> = { mariadb, mysql };
const REPLICA_STATE: Readonly<Record<Family, (row: Record<string, unknown>) => ReplicaState>> = { mariadb: mariadbReplicaState, mysql: mysqlReplicaState };

/** The flavor adapter's SQL side: one dialect per server family. */
export const dialectFor = (family: Family): Dialect => DIALECTS[family];
export const replicaStateFor = (family: Family) => REPLICA_STATE[family];
export * as binlogSql from './binlog.js';
export * as reportSql from './report.js';
