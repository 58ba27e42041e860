/**
 * Replication across versions, where the servers may refuse it (an old replica of a new primary: binlog events or
 * DDL the old version cannot apply). The answer is the servers' own: caught up, or the replication error they
 * report; never a crash of the caller.
 */
import { waitUntil } from '../exec/index.js';
import type { Credentials } from './context.js';
import type { StartedNode } from './node.js';
import { attachReplica, gtidExecuted, replicaStates } from './replication.js';

export type ReplicationOutcome = { ok: true; waitedMs: number } | { ok: false; error: string };

/** The replica's own error, if a replication thread stopped on one. */
async function threadError(replica: StartedNode): Promise<string | undefined> {
  const st = await replicaStates(replica).catch(() => []);
  const bad = st.find((x) => x.lastIoError || x.lastSqlError);
  return bad ? bad.lastSqlError || bad.lastIoError : undefined;
}

/**
 * Waits until `replica` has everything `source` has now (server-side waits of one second), or until a replication
 * thread reports an error, whichever comes first.
 */
export async function catchUpOrRefusal(replica: StartedNode, source: StartedNode, timeoutS = 120): Promise<ReplicationOutcome> {
  const t0 = Date.now();
  try {
    const target = await gtidExecuted(source);
    const seen = await waitUntil(
      async () => {
        const [row] = await replica.query<{ r: number | string }>(replica.adapter.dialect.waitForGtid(target, 1));
        return Number(row?.r) === 0 ? 'caught-up' : ((await threadError(replica)) ?? 'behind');
      },
      (s) => s !== 'behind',
      {
        what: `${replica.name} to reach ${source.name}'s GTID ${target} (or a replication error)`,
        timeoutMs: timeoutS * 1000,
        intervalMs: 0,
      },
    );
    return seen === 'caught-up' ? { ok: true, waitedMs: Date.now() - t0 } : { ok: false, error: seen };
  } catch (e) {
    return { ok: false, error: (await threadError(replica)) ?? (e as Error).message.split('\n')[0]! };
  }
}

/** Points `replica` at `source` and waits for it to catch up, or for the servers' refusal. */
export async function replicateOrRefusal(
  replica: StartedNode,
  source: StartedNode,
  creds: Credentials,
  timeoutS = 120,
): Promise<ReplicationOutcome> {
  try {
    await attachReplica(replica, source, creds);
  } catch (e) {
    return { ok: false, error: (e as Error).message.split('\n')[0]! };
  }
  return catchUpOrRefusal(replica, source, timeoutS);
}
