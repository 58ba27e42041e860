import { WaitTimeoutError } from '../exec/index.js';
import type { ReplicaState, Statement } from '../sql/index.js';
import type { StartedNode } from './node.js';
import type { Credentials } from './context.js';

/** Points `replica` at `source` by GTID and starts replication. */
export async function attachReplica(replica: StartedNode, source: StartedNode, creds: Credentials, channel?: string): Promise<void> {
  const d = replica.adapter.dialect;
  // A restored copy may carry settings of its own for this channel: stop it before repointing it.
  if ((await replicaStates(replica)).some((s) => s.channel === (channel ?? ''))) await replica.query(d.stopReplica(channel));
  await replica.query(d.changeSource({ host: source.name, port: 3306, user: creds.repl, password: creds.replPassword, channel }));
  await replica.query(d.startReplica(channel));
}

export async function replicaStates(node: StartedNode): Promise<ReplicaState[]> {
  const rows = await node.query(node.adapter.dialect.replicaStatus());
  return rows.map(node.adapter.replicaState);
}

/** Every transaction the node has (MariaDB gtid_current_pos, MySQL gtid_executed). */
export async function gtidExecuted(node: StartedNode): Promise<string> {
  const [row] = await node.query<{ gtid: string }>(node.adapter.dialect.gtidExecuted());
  return String(row?.gtid ?? '');
}

/** Every transaction the node wrote to its binlog, its own and replicated (MariaDB gtid_binlog_state, MySQL gtid_executed). */
export async function gtidWritten(node: {
  query<T>(s: Statement): Promise<T[]>;
  adapter: { dialect: { gtidWritten(): Statement } };
}): Promise<string> {
  const [row] = await node.query<{ gtid: string }>(node.adapter.dialect.gtidWritten());
  return String(row?.gtid ?? '');
}

/** The replication position a replica resumes from. */
export async function gtidReplicaPos(node: StartedNode): Promise<string> {
  const [row] = await node.query<{ gtid: string }>(node.adapter.dialect.gtidReplicaPos());
  return String(row?.gtid ?? '');
}

/**
 * Server-side wait until `replica` has applied everything `source` has now. On timeout the error names the
 * target, the replica's position and its replication threads' state.
 */
export async function waitCaughtUp(replica: StartedNode, source: StartedNode, timeoutS = 120): Promise<{ gtid: string; waitedMs: number }> {
  const target = await gtidExecuted(source);
  const t0 = Date.now();
  const [row] = await replica.query<{ r: number | string }>(replica.adapter.dialect.waitForGtid(target, timeoutS));
  if (Number(row?.r) !== 0) {
    const pos = await gtidReplicaPos(replica).catch(() => '?');
    const st = await replicaStates(replica).catch(() => []);
    throw new WaitTimeoutError(`${replica.name} to reach ${source.name}'s GTID ${target}`, timeoutS * 1000, {
      position: pos,
      replication: st,
    });
  }
  return { gtid: target, waitedMs: Date.now() - t0 };
}
