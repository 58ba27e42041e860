import { waitUntil } from '../exec/index.js';
import { attachReplica, gtidExecuted, replicaStates, waitCaughtUp } from '../runtime/replication.js';
import { NodeDefinition, type NodeSpec, type StartedNode } from '../runtime/node.js';
import type { Credentials, TopologyContext } from '../runtime/context.js';
import { restorePhysical } from './physical.js';

interface PeerCatchUp {
  peer: string;
  reachedGtid: string;
  secondsBehindAtStop: number | null;
  untilUnderOneSecondMs: number;
  waitedForGtidMs: number;
}

export interface CatchUpResult {
  node: StartedNode;
  temporaryServerId: number;
  /** The identity the server had while it caught up (server id, or on MySQL its new server uuid). */
  temporaryIdentity: string;
  peers: PeerCatchUp[];
  finalGtid: string;
  timings: { restoreMs: number; catchUpMs: number; restartMs: number };
}

/** A peer to catch up from. */
export interface Peer {
  node: StartedNode /** Multi-source: the source's own channel (named connection). */;
  channel?: string;
}

/**
 * The seed's restore + catch-up (mysqlbackup.py catchup_binlog): restore the artifact and start it with a temporary
 * server id that no server uses (on MySQL also a fresh server uuid: artifacts carry no auto.cnf), so that the
 * events this server once wrote itself, which come back from its peers, are not filtered out as its own. Then, one
 * peer after the other (on a fan-in, one catch-up per source on its own channel), replicate until it is less than one second behind that peer (and has the peer's GTIDs),
 * stop, forget the replication settings, shut down: a ready datadir. Finally start it as `final` (its own server id).
 */
export async function restoreAndCatchUp(
  ctx: TopologyContext,
  artifactDir: string,
  final: NodeSpec,
  peers: readonly Peer[],
  creds: Credentials,
  temporaryServerId: number,
): Promise<CatchUpResult> {
  const t0 = Date.now();
  const { node: temp } = await restorePhysical(ctx, artifactDir, { name: final.name, serverId: temporaryServerId, readOnly: true });
  const d = temp.adapter.dialect;
  const [idRow] = await temp.query<{ w: string }>(d.gtidWriterIdentity());
  const temporaryIdentity = String(idRow?.w ?? '');
  const t1 = Date.now();
  const done: PeerCatchUp[] = [];
  for (const { node: peer, channel } of peers) {
    ctx.progress(
      `${final.name}: catching up from ${peer.name}${channel ? ` (channel ${channel})` : ''} as temporary server id ${temporaryServerId}`,
    );
    const tp = Date.now();
    await attachReplica(temp, peer, creds, channel);
    const st = await waitUntil(
      async () => (await replicaStates(temp)).find((s) => s.channel === (channel ?? '')),
      (s) => !!s && s.ioRunning === 'Yes' && s.sqlRunning === 'Yes' && s.secondsBehind !== null && s.secondsBehind < 1,
      { what: `${final.name} to be less than one second behind ${peer.name}`, timeoutMs: 600_000, intervalMs: 200 },
    );
    const underOne = Date.now() - tp;
    const caught = await waitCaughtUp(temp, peer, 600);
    await temp.query(d.stopReplica(channel));
    await temp.query(d.resetReplicaAll(channel));
    done.push({
      peer: peer.name,
      reachedGtid: caught.gtid,
      secondsBehindAtStop: st!.secondsBehind,
      untilUnderOneSecondMs: underOne,
      waitedForGtidMs: caught.waitedMs,
    });
  }
  const t2 = Date.now();
  await temp.stop();
  await temp.remove(); // the container only: the datadir volume is the result
  const node = await new NodeDefinition(ctx, { ...final, datadirVolume: temp.volume, skipBootstrap: true }).start();
  return {
    node,
    temporaryServerId,
    temporaryIdentity,
    peers: done,
    finalGtid: await gtidExecuted(node),
    timings: { restoreMs: t1 - t0, catchUpMs: t2 - t1, restartMs: Date.now() - t2 },
  };
}
