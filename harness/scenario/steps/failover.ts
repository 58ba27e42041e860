// The primary dies and a replica takes its place: the clients' proxy, the "can it be promoted" report, the fault,
// detection, promotion by the rules a DBA uses (or the team's own command), repointing, the first write.
import { waitUntil } from '../../exec/index.js';
import { attachReplica, gtidExecuted, replicaStates } from '../../runtime/replication.js';
import type { StartedNode } from '../../runtime/node.js';
import { failoverSql, groupSql } from '../../sql/index.js';
import {
  check,
  choosePromotion,
  presentLedgerIds,
  promisedBySemiSync,
  readiness,
  writeUnavailability,
  type ReplicaFacts,
} from '../../verify/index.js';
import { WritableRouter } from '../../workload/index.js';
import { need, type FailoverState } from '../state.js';
import type { DrillContext, Step } from '../types.js';
import { step } from './common.js';
import { enableReplicaSideEvents } from './switchover.js';
import { runTeamFailover } from './team-failover.js';

export const failoverOf = (ctx: DrillContext): FailoverState =>
  need(ctx.state.failover, 'the clients do not write through the proxy yet (clientsBehindProxy)');

const on = (v: unknown) => v === 1 || v === '1' || String(v).toUpperCase() === 'ON';

/** What a replica is now, for the promotion report and the choice. An unreachable one says so. */
async function factsOf(n: StartedNode, lagSeconds: number | null): Promise<ReplicaFacts> {
  try {
    const [p] = await n.query<Record<string, unknown>>(n.adapter.failover.promotability(), { timeoutMs: 5000 });
    const [st] = await replicaStates(n);
    const events = await n.query<{ db: string; name: string }>(failoverSql.replicaSideDisabledEvents());
    return {
      name: n.name,
      reachable: true,
      executed: await gtidExecuted(n),
      logBin: on(p?.['logBin']),
      replicaUpdates: on(p?.['replicaUpdates']),
      gtidStrict: on(p?.['gtidStrict']),
      filters: st?.filters ?? [],
      delaySeconds: st?.delaySeconds ?? 0,
      lagSeconds,
      disabledEvents: events.map((e) => `${e.db}.${e.name}`),
    };
  } catch {
    const none = { logBin: false, replicaUpdates: false, gtidStrict: false, filters: [], delaySeconds: 0, disabledEvents: [] };
    return { name: n.name, reachable: false, executed: '', lagSeconds, ...none };
  }
}

const FOLLOWS = { 'writable-node': 'writable node', 'write-node': 'write node', 'group-primary': "group's primary" } as const;

/**
 * The application writes through a proxy. `writable-node`: it routes to whichever node is writable (read_only OFF),
 * so it follows a promotion by itself, as it would behind ProxySQL; fenced nodes are not known to it. `write-node`
 * (Galera, where every member is writable): it routes to the one write node only, as ProxySQL's Galera hostgroup with
 * one writer or HAProxy with backup servers does; a failover sets the new write node (the topology's primary).
 * `group-primary` (Group Replication): it asks every member for its view of the group
 * (performance_schema.replication_group_members) and routes to the member that is the PRIMARY of a majority, as MySQL
 * Router does (Router itself needs MySQL Shell's metadata, which is not packaged).
 */
export const clientsBehindProxy = (routes: keyof typeof FOLLOWS = 'writable-node'): Step =>
  step(`the clients write through a proxy that follows the ${FOLLOWS[routes]}`, async (ctx) => {
    const router = new WritableRouter(
      () => (routes === 'write-node' ? [ctx.topo.primary] : ctx.topo.all().filter((n) => !ctx.topo.isFenced(n.name))),
      routes === 'group-primary' ? groupSql.routesWrites() : undefined,
    );
    await router.start();
    ctx.run.onTeardown("stop the clients' proxy", () => router.stop());
    await ctx.workload.stop();
    ctx.workload.moveTo(router);
    ctx.workload.start();
    ctx.state.failover = { router, failed: ctx.topo.primary.name, lagBefore: {}, semiSync: [] };
  });

/** firedrill's own scheduled event on the primary: replicas hold it replica-side disabled until a promotion enables it. */
export const plantScheduledEvent = (): Step =>
  step('a scheduled event on the primary', async (ctx) => {
    await ctx.topo.primary.query(failoverSql.createOwnEvent(ctx.own.targets));
  });

/** The replica applies what it receives `seconds` late (MASTER_DELAY / SOURCE_DELAY). */
export const delayReplica = (node: string, seconds: number): Step =>
  step(`${node} applies ${seconds} s late`, async (ctx) => {
    const n = ctx.topo.get(node);
    await n.query(n.adapter.dialect.stopReplica());
    await n.query(n.adapter.failover.delay(seconds));
    await n.query(n.adapter.dialect.startReplica());
  });

/** Before the fault: can each replica be promoted (binary log, log_slave_updates, filters, strict GTIDs, lag, events)? */
export const promotionReport = (): Step =>
  step('report whether each replica can be promoted', async (ctx) => {
    const f = failoverOf(ctx);
    const report = [];
    for (const r of ctx.topo.replicas) {
      const [st] = await replicaStates(r);
      f.lagBefore[r.name] = st ? st.secondsBehind : null;
      const facts = await factsOf(r, f.lagBefore[r.name]!);
      report.push({
        ...readiness(facts, maxLag(ctx)),
        lagSeconds: facts.lagSeconds,
        delaySeconds: facts.delaySeconds,
        executed: facts.executed,
      });
    }
    ctx.observations['promotion report'] = report;
  });

const maxLag = (ctx: DrillContext) => Number(ctx.params['maxLagS'] ?? 10);

/**
 * Detection, as a failure detector decides (orchestrator's DeadMaster): the primary answers nobody for `detectMs`
 * and no replica's IO thread is connected to it. The detector polls from the moment the fault is injected (as a
 * monitor that always runs would), so the time docker takes to carry out the kill is not added to it.
 */
export const detectPrimaryFailure = (): Step =>
  step('detect that the primary is dead', async (ctx) => {
    const f = failoverOf(ctx);
    await need(f.detector, 'no fault has been injected (primaryFault starts the detector)');
  });

/** The failure detector, started with the fault (as a monitor that always runs would): see detectPrimaryFailure. */
export async function detect(ctx: DrillContext, f: FailoverState): Promise<void> {
  const old = ctx.topo.get(f.failed);
  const confirmMs = Number(ctx.params['detectMs'] ?? 1000);
  let downSince: number | undefined;
  // In a split brain the monitor stands on the replicas' side of the cut (firedrill's host reaches both sides): the
  // primary is alive for it while a replica's IO thread is connected to it.
  const fromReplicasSide = f.split !== undefined;
  // Every change of a replica's IO thread while detecting (time since the fault, running, state): the evidence of
  // how long the replicas took to give the primary up.
  const timeline: Array<{ afterMs: number; node: string; io: string; state: string }> = [];
  const last = new Map<string, string>();
  const seen = await waitUntil(
    async () => {
      const io = await Promise.all(
        ctx.topo.replicas.map(async (r) => {
          const st = (await replicaStates(r))[0];
          const now = `${st?.ioRunning ?? ''}|${st?.ioState ?? ''}`;
          if (last.get(r.name) !== now) {
            last.set(r.name, now);
            if (timeline.length < 60)
              timeline.push({ afterMs: Date.now() - f.faultAt!, node: r.name, io: st?.ioRunning ?? '', state: st?.ioState ?? '' });
          }
          return { node: r.name, io: st?.ioRunning ?? '' };
        }),
      );
      const alive = fromReplicasSide
        ? io.some((r) => r.io === 'Yes')
        : await old
            .connect({ connectTimeoutMs: 500 })
            .then(async (c) => {
              await c.query(failoverSql.readOnly(), { timeoutMs: 500 }).finally(() => c.destroy());
              return true;
            })
            .catch(() => false);
      downSince = alive ? undefined : (downSince ?? Date.now());
      return { alive, downForMs: downSince ? Date.now() - downSince : 0, io };
    },
    (s) => !s.alive && s.downForMs >= confirmMs && s.io.every((r) => r.io !== 'Yes'),
    {
      what: `${f.failed} to be unreachable${fromReplicasSide ? " from the replicas' side" : ''} for ${confirmMs} ms with no replica connected to it`,
      timeoutMs: 120_000,
      intervalMs: 100,
    },
  );
  f.detectedAt = Date.now();
  ctx.observations['detection'] = {
    confirmMs,
    firstFailedProbeAt: downSince && new Date(downSince).toISOString(),
    detectedAt: new Date(f.detectedAt).toISOString(),
    from: fromReplicasSide
      ? "the replicas' side of the cut (their IO threads)"
      : ctx.topo.replicas.length
        ? "firedrill's host and the replicas"
        : "firedrill's host",
    replicas: seen.io,
    ioTimeline: timeline,
  };
}

/** Promotion: firedrill's (the most advanced eligible replica), or the team's own command (`failover` parameter). */
export const promoteReplica = (): Step =>
  step('promote a replica', async (ctx) => {
    const f = failoverOf(ctx);
    f.atFailure = await survivorsAfterRelay(ctx);
    if (String(ctx.params['failover'] ?? '')) becamePrimary(ctx, f, await runTeamFailover(ctx, f));
    else await firedrillPromotion(ctx, f);
    f.promotedAt ??= Date.now();
  });

/** Each surviving replica once it has applied what it received (a delayed one as it is): the facts promotion is chosen on. */
async function survivorsAfterRelay(ctx: DrillContext): Promise<ReplicaFacts[]> {
  const f = failoverOf(ctx);
  const out: ReplicaFacts[] = [];
  for (const r of ctx.topo.replicas) {
    const [st] = await replicaStates(r).catch(() => []);
    let relayApplied: boolean | undefined;
    if (st && st.delaySeconds === 0 && st.received) {
      const [row] = await r.query<{ r: number | string }>(r.adapter.dialect.waitForGtid(st.received, 5)).catch(() => []);
      relayApplied = Number(row?.r) === 0;
    }
    out.push({
      ...(await factsOf(r, f.lagBefore[r.name] ?? null)),
      ...(relayApplied === false ? { relayLogNotApplied: st!.received } : {}),
    });
  }
  return out;
}

async function firedrillPromotion(ctx: DrillContext, f: FailoverState): Promise<void> {
  const facts = need(f.atFailure, 'no replica facts');
  const n0 = ctx.topo.replicas[0];
  if (!n0) throw new Error('no replica is left to promote');
  const prefer = String(ctx.params['candidate'] ?? 'auto');
  const choice = choosePromotion(facts, n0.adapter.gtid, { prefer: prefer === 'auto' ? undefined : prefer, maxLagSeconds: maxLag(ctx) });
  let chosen = choice.chosen;
  const semi: Record<string, number[]> = {};
  // Semi-sync promised the writes it acknowledged while on to a replica: promote only one that holds them all, or none.
  const promised = new Set(
    promisedBySemiSync(
      ctx.workload.ledger.all().filter((e) => e.doneAt <= f.faultDoneAt!),
      f.semiSync.filter((x) => x.node === f.failed),
    ),
  );
  if (chosen && promised.size) {
    const acked = ctx.workload.ledger.all().filter((e) => promised.has(e.id));
    const order = [chosen, ...facts.filter((x) => x.name !== chosen && !choice.excluded.some((e) => e.node === x.name)).map((x) => x.name)];
    chosen = undefined;
    for (const name of order) {
      const have = new Set(await presentLedgerIds(ctx.topo.get(name), ctx.workload.db));
      semi[name] = acked.filter((e) => !have.has(e.id)).map((e) => e.id);
      if (!semi[name]!.length) {
        chosen = name;
        break;
      }
    }
  }
  ctx.observations['promotion'] = {
    by: 'firedrill',
    ...choice,
    chosen,
    semiSyncPromisedWrites: promised.size,
    semiSyncMissingIds: semi,
    replicasAtFailure: facts.map((x) => ({ node: x.name, executed: x.executed, relayLogNotApplied: x.relayLogNotApplied })),
  };
  ctx.checks.push(
    check(
      'a-replica-was-promoted',
      chosen
        ? []
        : [
            {
              database: '*',
              object: 'promotion',
              kind: 'promotion-refused',
              actual: Object.keys(semi).length ? 'no replica holds every write semi-sync acknowledged' : choice.reason,
            },
          ],
      { reason: choice.reason, excluded: choice.excluded, semiSyncMissingIds: semi },
    ),
  );
  if (!chosen)
    throw new Error(
      `promotion refused: ${Object.keys(semi).length ? 'no replica holds every write semi-sync acknowledged' : choice.reason}`,
    );
  const n = ctx.topo.get(chosen);
  const d = n.adapter.dialect;
  f.promotedExecuted = await gtidExecuted(n);
  await n.query(d.stopReplica());
  await n.query(d.resetReplicaAll());
  f.eventsEnabled = await enableReplicaSideEvents(n);
  await n.query(d.setReadOnly(false));
  f.promotedAt = Date.now();
  becamePrimary(ctx, f, chosen);
}

/** The topology's bookkeeping once `name` holds the primary role: the failed primary is fenced (out of the proxy). */
function becamePrimary(ctx: DrillContext, f: FailoverState, name: string): void {
  f.promoted = name;
  ctx.topo.promote(name, 'fenced');
  ctx.state.currentPrimary = name;
}

/** Every other replica follows the new primary by GTID auto-position (firedrill's promotion; the team's command does its own). */
export const repointReplicas = (): Step =>
  step('repoint the other replicas to the new primary', async (ctx) => {
    const f = failoverOf(ctx);
    if (String(ctx.params['failover'] ?? '')) {
      f.repointedAt = f.promotedAt;
      ctx.observations['repoint'] = { by: "the team's failover command" };
      return;
    }
    const p = ctx.topo.primary;
    for (const r of ctx.topo.replicas) await attachReplica(r, p, ctx.tctx.creds);
    f.repointedAt = Date.now();
    ctx.observations['repoint'] = { to: p.name, replicas: ctx.topo.replicas.map((r) => r.name), by: 'GTID auto-position' };
  });

const DURABILITY: Partial<Record<string, string>> = {
  galera: 'Galera (certification)',
  'group-replication': 'Group Replication (certification by a majority)',
};

/** The clients' first acknowledged write on the new primary; the RTO split and the write-unavailability window. */
export const firstWriteOnNewPrimary = (): Step =>
  step('the clients write on the new primary', async (ctx) => {
    const f = failoverOf(ctx);
    const after = need(f.faultDoneAt, 'no fault has hit the primary');
    // In a split brain the old side's writers are still acknowledged by the old primary: only the new side counts.
    const side = f.split && new Set(f.split.newSide);
    const ours = () => ctx.workload.ledger.all().filter((e) => !side || side.has(e.writer));
    await waitUntil(
      async () =>
        side ? Math.max(0, ...ours().map((e) => (e.outcome === 'acked' ? e.doneAt : 0))) : (ctx.workload.ledger.summary().lastAckAt ?? 0),
      (t) => t > after,
      { what: `a write acknowledged after the primary ${side ? 'was cut off' : 'died'}`, timeoutMs: 120_000, intervalMs: side ? 100 : 20 },
    );
    const entries = ours();
    f.firstAckAt = Math.min(...entries.filter((e) => e.outcome === 'acked' && e.doneAt > after).map((e) => e.doneAt));
    const w = writeUnavailability(entries, f.faultAt!, f.firstAckAt, { sinceLastAck: true });
    const t = (x?: number) => (x === undefined ? null : x);
    ctx.observations['failover'] = {
      failed: f.failed,
      promoted: f.promoted,
      by: String(ctx.params['failover'] ?? '')
        ? "the team's failover command"
        : ctx.topo.spec.kind === 'group-replication'
          ? 'the group (automatic election)'
          : 'firedrill',
      durability: DURABILITY[ctx.topo.spec.kind] ?? String(ctx.params['durability'] ?? 'async'),
      rto: {
        detectionMs: t(f.detectedAt! - f.faultAt!),
        promotionMs: t(f.promotedAt! - f.detectedAt!),
        repointMs: t((f.repointedAt ?? f.promotedAt!) - f.promotedAt!),
        firstWriteMs: t(f.firstAckAt - f.promotedAt!),
        totalMs: t(Math.max(f.firstAckAt, f.repointedAt ?? 0) - f.faultAt!),
      },
      ...w,
      ...(f.split ? { windowOf: `the new side's writers (${f.split.newSide.join(', ')})` } : {}),
      eventsEnabled: f.eventsEnabled ?? [],
      routes: f.router.history.map((r) => ({ at: new Date(r.at).toISOString(), writable: r.writable })),
    };
  });
