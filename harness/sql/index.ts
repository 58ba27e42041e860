export type { Dialect, Statement, ReplicationSource, ReplicaState } from './dialect.js';
export { mariadb, mariadbReplicaState } from './mariadb.js';
export * as inspect from './inspect.js';
export { quoteId, qualified } from './inspect.js';
export * as workloadSql from './workload.js';
import type { Family } from '../runtime/flavors.js';
import type { Dialect, ReplicaState } from './dialect.js';
import { mariadb, mariadbReplicaState } from './mariadb.js';

/** The flavor adapter's SQL side: one dialect per server family. */
export function dialectFor(family: Family): Dialect {
  if (family === 'mariadb') return mariadb;
  throw new Error(`no SQL dialect for family '${family}' yet`);
}
export function replicaStateFor(family: Family): (row: Record<string, unknown>) => ReplicaState {
  if (family === 'mariadb') return mariadbReplicaState;
  throw new Error(`no replica-status reader for family '${family}' yet`);
}
