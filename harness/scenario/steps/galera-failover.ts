// The Galera form of a failover: the member the clients write to dies, the survivors evict it and keep a Primary
// component, the clients' proxy moves its writes to one of them; later the dead member starts again and rejoins.
// Measured with the same ledger and RTO phases as primary-failover (detection, promotion, repointing, first write).
import { withFault, type Fault } from '../../faults/index.js';
import { galeraState, waitGalera, isSynced, type GaleraState } from '../../runtime/galera.js';
import { waitUntil } from '../../exec/index.js';
import { workloadSql } from '../../sql/index.js';
import { judgeIstRejoin } from '../../verify/index.js';
import { observationName } from '../names.js';
import type { Step } from '../types.js';
import { plantedDefect, step } from './common.js';
import { detect, failoverOf } from './failover.js';

const KILL = (target: string): Fault => ({ kind: 'kill', target, restart: false });

/** The write node is SIGKILLed under load and left down; the failure detector starts with the fault. */
export const writeNodeKilled = (node: string): Step =>
  step(
    `${node}, the write node, SIGKILLed under load`,
    async (ctx) => {
      const f = failoverOf(ctx);
      f.faultAt = Date.now();
      f.detector = detect(ctx, f);
      f.detector.catch(() => undefined); // awaited by detectPrimaryFailure
      ctx.faults.push((await withFault(ctx.faultEnv, KILL(f.failed))).record);
      f.faultDoneAt = Date.now();
    },
    [KILL(node)],
  );

type Survivor = { node: string } & Partial<GaleraState> & { error?: string };

/**
 * Galera has nothing to promote: the survivors evict the dead member and keep a Primary component. Once one of them is
 * Synced in a Primary component the dead member is no longer part of, the new write node is chosen: `candidate` when
 * it is such a member, else the one that has committed the most (the first by name on a tie). The proxy's writer is
 * set to it (the topology's primary).
 */
export const galeraWriterChosen = (dead?: readonly string[]): Step =>
  step(`the survivors evict ${dead ? dead.join(', ') : 'the write node'}; one of them becomes the write node`, async (ctx) => {
    const f = failoverOf(ctx);
    const gone = new Set(dead ?? [f.failed]);
    const survivors = ctx.topo.members.filter((n) => !gone.has(n.name));
    const read = () =>
      Promise.all(
        survivors.map(async (n): Promise<Survivor> => {
          try {
            return { node: n.name, ...(await galeraState(n)) };
          } catch (e) {
            return { node: n.name, error: (e as Error).message.split('\n')[0] };
          }
        }),
      );
    const eligible = (s: Survivor) => isSynced(s as GaleraState) && s.clusterSize === survivors.length;
    const seen = await waitUntil(read, (ss) => ss.some(eligible), {
      what: `a survivor Synced in a Primary component of ${survivors.length} members (without ${[...gone].join(', ')})`,
      timeoutMs: 120_000,
      intervalMs: 100,
    });
    const evictedAt = Date.now();
    const ok = seen.filter(eligible);
    const wanted = String(ctx.params['candidate'] ?? 'auto');
    const chosen = ok.find((s) => s.node === wanted) ?? ok.reduce((a, b) => ((b.lastCommitted ?? -1) > (a.lastCommitted ?? -1) ? b : a));
    if (plantedDefect('galera-failover-loses-a-write')) {
      // TEST-ONLY planted defect: the failover takes back one write the clients saw acknowledged before the fault
      // (deleted on the new write node, so on every member). The drill must fail naming exactly that write.
      const lost = ctx.workload.ledger.all().find((e) => e.outcome === 'acked' && e.doneAt < f.faultAt!);
      if (lost) await ctx.topo.get(chosen.node).query(workloadSql.deleteWrite(lost.id, ctx.workload.db));
    }
    ctx.topo.promote(chosen.node, 'replica');
    ctx.state.currentPrimary = chosen.node;
    f.promoted = chosen.node;
    f.promotedAt = Date.now();
    ctx.observations['promotion'] = {
      by: 'firedrill',
      chosen: chosen.node,
      reason: ok.some((s) => s.node === wanted) ? `the candidate ${wanted}` : 'the survivor that had committed the most',
      evictedAfterMsFromFault: evictedAt - f.faultAt!,
      survivors: seen,
    };
  });

/** The clients' proxy routes writes to the new write node (Galera) or elected primary (a group) alone (its monitor asked anew since it was chosen). */
export const proxyFollowsWriteNode = (): Step =>
  step("the clients' proxy routes writes to the new write node", async (ctx) => {
    const f = failoverOf(ctx);
    await f.router.routesOnlyTo(ctx.topo.primary.name, f.promotedAt!);
    f.repointedAt = Date.now();
    ctx.observations['repoint'] = {
      to: ctx.topo.primary.name,
      by:
        ctx.topo.spec.kind === 'group-replication'
          ? "the clients' proxy (it found the elected primary in the members' replication_group_members)"
          : "the clients' proxy (its write node set by the failover)",
    };
  });

/**
 * The killed members start again, one after the other (each entrypoint recovers its position with --wsrep-recover),
 * all become Synced in the full cluster, and each must have caught up by IST from the position it recovered, not by a
 * full SST (from its log since its kill).
 */
export const killedMembersRejoin = (nodes: readonly string[]): Step =>
  step(`${nodes.join(', ')} start again and rejoin by IST`, async (ctx) => {
    const size = ctx.topo.members.length;
    const started = new Map<string, number>();
    for (const node of nodes) {
      started.set(node, Date.now());
      await ctx.topo.get(node).restart();
    }
    for (const node of nodes) {
      const n = ctx.topo.get(node);
      const kill = [...ctx.faults]
        .reverse()
        .find((x) => x.fault.kind === 'kill' && (x.effect?.nodes.includes(node) ?? x.fault.target === node));
      const s = await waitGalera(n, `to be Synced in a cluster of ${size}`, (x) => isSynced(x) && x.clusterSize === size, {
        timeoutS: 180,
      });
      const c = judgeIstRejoin(node, await n.container.logsTail(20_000, kill?.injectedAt));
      ctx.observations[observationName.stateTransfer(node)] = {
        untilSyncedMs: Date.now() - started.get(node)!,
        lastCommitted: s.lastCommitted,
        ...c.details,
      };
      ctx.checks.push(c);
    }
  });
