// A planned switchover of the primary role, measured from the client ledger: one piece of code for pre-upgrade's
// rolling upgrade and the failover drill's planned switchover beside its failover.
import { waitUntil } from '../../exec/index.js';
import type { StartedNode } from '../../runtime/node.js';
import { attachReplica, replicaStates, waitCaughtUp } from '../../runtime/replication.js';
import { catchUpOrRefusal } from '../../runtime/replication-attempt.js';
import { failoverSql } from '../../sql/index.js';
import { writeUnavailability } from '../../verify/index.js';
import type { DrillContext, Step } from '../types.js';
import { ackedTotal, step } from './common.js';

/**
 * Switches the primary role from `old` to `to`: the old primary is made read-only and the application stops writing;
 * `to` catches up, stops replicating and becomes writable; the application writes to it (moved to it, or, behind the
 * clients' proxy, following it by itself). Returns when `to` has acknowledged a first write, with the
 * write-unavailability window from the ledger. Repointing the other nodes is the caller's.
 */
export async function switchPrimaryRole(ctx: DrillContext, old: StartedNode, to: StartedNode) {
  const d = to.adapter.dialect;
  const t0 = Date.now();
  await old.query(old.adapter.dialect.setReadOnly(true));
  await ctx.workload.stop();
  await waitCaughtUp(to, old, 120);
  await to.query(d.stopReplica());
  await to.query(d.resetReplicaAll());
  const events = await handEventsOver(old, to);
  await to.query(d.setReadOnly(false));
  // The application resumes on `to` alone: moved to it, or behind the proxy once the proxy has asked every node anew.
  // A proxy's answer from before the switch may still route to the old primary, where firedrill's account (read_only
  // does not bind READ_ONLY ADMIN / SUPER) would write unrefused history the new primary never gets.
  if (ctx.state.failover) await ctx.state.failover.router.routesOnlyTo(to.name, Date.now());
  else ctx.workload.moveTo(to);
  const base = ackedTotal(ctx);
  ctx.workload.start();
  await waitUntil(
    async () => ackedTotal(ctx) - base,
    (k) => k > 0,
    { what: `a first acknowledged write on ${to.name}`, timeoutMs: 60_000, intervalMs: 20 },
  );
  const t1 = Date.now();
  ctx.state.currentPrimary = to.name;
  ctx.topo.promote(to.name, 'replica');
  return { switchMs: t1 - t0, ...writeUnavailability(ctx.workload.ledger.all(), t0, t1), eventsHandedOver: events };
}

/** Enables the events a promoted node holds replica-side disabled; returns them (db.name). */
export async function enableReplicaSideEvents(n: StartedNode): Promise<string[]> {
  const events = await n.query<{ db: string; name: string }>(failoverSql.replicaSideDisabledEvents());
  for (const e of events) await n.query(failoverSql.enableEvent(e.db, e.name));
  return events.map((e) => `${e.db}.${e.name}`);
}

/** The events move with the primary role: enabled on the new primary, held as a replica holds them on the old one. */
async function handEventsOver(old: StartedNode, to: StartedNode): Promise<string[]> {
  const running = await old.query<{ db: string; name: string }>(failoverSql.enabledEvents());
  for (const e of running) for (const s of old.adapter.failover.disableOnReplica(e.db, e.name)) await old.query(s);
  return enableReplicaSideEvents(to);
}

/**
 * A planned switchover beside the failover, on the same data: to the most caught-up replica that is not delayed, the
 * others (the former primary included) repointed to it by GTID auto-position.
 */
export const plannedSwitchover = (): Step =>
  step('planned switchover to another replica', async (ctx) => {
    const old = ctx.topo.primary;
    // A replica that follows the primary, without a delay, caught up: a failover that left none has nothing to switch to.
    let to: StartedNode | undefined;
    const seen: Record<string, string> = {};
    for (const r of ctx.topo.replicas) {
      const [st] = await replicaStates(r);
      if ((st?.delaySeconds ?? 0) > 0) continue;
      const caught = await catchUpOrRefusal(r, old, 30);
      seen[r.name] = caught.ok ? 'caught up' : caught.error;
      if (caught.ok) {
        to = r;
        break;
      }
    }
    if (!to) {
      ctx.observations['planned switchover'] = {
        from: old.name,
        attempted: false,
        reason: 'no replica follows the primary',
        replicas: seen,
      };
      return;
    }
    const since = Date.now();
    const m = await switchPrimaryRole(ctx, old, to);
    const t0 = Date.now();
    for (const s of old.adapter.failover.adoptOwnPosition()) await old.query(s);
    for (const r of ctx.topo.replicas) await attachReplica(r, to, ctx.tctx.creds);
    // What the clients' proxy saw during the switch: the writable set before it and each change after.
    const history = ctx.state.failover?.router.history ?? [];
    const routes = history.slice(Math.max(0, history.filter((r) => r.at < since).length - 1));
    ctx.observations['planned switchover'] = {
      from: old.name,
      to: to.name,
      ...m,
      repointMs: Date.now() - t0,
      routes: routes.map((r) => ({ at: new Date(r.at).toISOString(), writable: r.writable })),
    };
  });
