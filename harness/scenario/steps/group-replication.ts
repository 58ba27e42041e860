// The Group Replication form of a failover: the primary dies, the group expels it and elects a new primary by itself,
// the clients (reading the group's view, as MySQL Router does) move their writes there; later the dead member starts
// again and rejoins by distributed recovery. Measured with the same ledger and RTO phases as primary-failover
// (detection, promotion: here the group's election, repointing, first write).
import { waitUntil } from '../../exec/index.js';
import { gtidExecuted } from '../../runtime/replication.js';
import { allOnline, groupMembers, waitGroup, type GroupMember } from '../../runtime/group-replication.js';
import { groupSql, workloadSql } from '../../sql/index.js';
import { rejoinedTheGroup, secondaryRefusedWrite } from '../../verify/index.js';
import type { Step } from '../types.js';
import { plantedDefect, step } from './common.js';
import { failoverOf } from './failover.js';

type View = { node: string; members?: GroupMember[]; error?: string };

/** A ledger id the workload never writes: a write a secondary must refuse. */
const REFUSED_ID = Number.MAX_SAFE_INTEGER;

/**
 * Every secondary refuses a write (super_read_only, set by the group on every member but the primary): a check per
 * secondary, with the server's answer. A secondary that took the write would let clients that miss the primary
 * diverge the group.
 */
export const secondariesRefuseWrites = (): Step =>
  step('every secondary refuses writes', async (ctx) => {
    for (const n of ctx.topo.members.filter((m) => m.name !== ctx.topo.primary.name)) {
      const answer = await n.query(workloadSql.insertWrite(REFUSED_ID, 0, 'written on a secondary', ctx.workload.db)).then(
        () => ({ refused: false, errno: 0, message: 'the write was accepted' }),
        (e: { errno?: number; message?: string }) => ({ refused: true, errno: e.errno ?? 0, message: String(e.message) }),
      );
      ctx.checks.push(secondaryRefusedWrite(n.name, ctx.workload.db, answer));
    }
  });

/**
 * Nothing to promote: the survivors find the primary unreachable, expel it (`group_replication_member_expel_timeout`
 * 0) and elect a new primary among themselves. Done once a survivor sees a group of the survivors alone, all ONLINE,
 * one of them PRIMARY: that one is the clients' new primary (the topology's).
 */
export const groupElectsPrimary = (): Step =>
  step('the group expels the dead primary and elects a new one', async (ctx) => {
    const f = failoverOf(ctx);
    const survivors = ctx.topo.members.filter((n) => n.name !== f.failed);
    const read = () =>
      Promise.all(
        survivors.map(async (n): Promise<View> => {
          try {
            return { node: n.name, members: await groupMembers(n) };
          } catch (e) {
            return { node: n.name, error: (e as Error).message.split('\n')[0] };
          }
        }),
      );
    const elected = (v: View) =>
      v.members && !v.members.some((m) => m.host === f.failed) && allOnline(survivors.length)(v.members)
        ? v.members.find((m) => m.role === 'PRIMARY')?.host
        : undefined;
    const views = await waitUntil(read, (vs) => vs.some((v) => elected(v)), {
      what: `a survivor to see a group of ${survivors.length} ONLINE members without ${f.failed}, one of them PRIMARY`,
      timeoutMs: 120_000,
      intervalMs: 100,
    });
    const chosen = views.map(elected).find((x) => x)!;
    f.promotedAt = Date.now();
    if (plantedDefect('group-failover-loses-a-write')) {
      // TEST-ONLY planted defect: the failover takes back one write the clients saw acknowledged before the fault
      // (deleted on the new primary once it takes writes, so on every member). The drill must fail naming that write.
      const lost = ctx.workload.ledger.all().find((e) => e.outcome === 'acked' && e.doneAt < f.faultAt!);
      const n = ctx.topo.get(chosen);
      await waitUntil(
        () => n.query<{ sro: unknown }>(groupSql.superReadOnly()),
        (r) => Number(r[0]?.sro) === 0,
        {
          what: `${chosen} to take writes (super_read_only OFF)`,
          timeoutMs: 60_000,
          intervalMs: 100,
        },
      );
      if (lost) await n.query(workloadSql.deleteWrite(lost.id, ctx.workload.db));
    }
    ctx.topo.promote(chosen, 'replica');
    ctx.state.currentPrimary = chosen;
    f.promoted = chosen;
    ctx.observations['promotion'] = {
      by: 'the group (automatic election)',
      chosen,
      electedAfterMsFromFault: f.promotedAt - f.faultAt!,
      survivors: views,
    };
  });

/**
 * The former primary returns: killed, it is started again (docker start: nothing in the container restarts mysqld by
 * itself); frozen or cut off, it is thawed or reconnected. Started, it starts group replication at boot (its option
 * file, once it has been a member); thawed or reconnected, it finds itself expelled and rejoins by itself
 * (`group_replication_autorejoin_tries`). Distributed recovery copies what it lacks from a donor. It must be ONLINE
 * in the full group: a check, with how it recovered (binary logs or clone) and the membership last seen.
 */
export const formerPrimaryRejoins = (): Step =>
  step('the former primary returns and rejoins the group by distributed recovery', async (ctx) => {
    const f = failoverOf(ctx);
    const n = ctx.topo.get(f.failed);
    const size = ctx.topo.members.length;
    const t0 = Date.now();
    if (f.held) {
      f.held.release();
      await f.held.healed;
    } else await n.restart();
    // Both views must agree: a thawed member's own view is stale (all ONLINE, itself PRIMARY) until it learns it was
    // expelled, so the elected primary must see it ONLINE too, and it must name the elected primary.
    const primary = ctx.topo.primary.name;
    const agreed = (ms: GroupMember[]) => allOnline(size)(ms) && ms.find((m) => m.role === 'PRIMARY')?.host === primary;
    const seen = await waitGroup(n, `to be ONLINE again in a group of ${size} whose primary is ${primary}`, agreed, 180)
      .then(() => waitGroup(ctx.topo.primary, `to see ${n.name} ONLINE again in a group of ${size}`, agreed, 60))
      .then(
        (members) => ({ members }),
        (e: Error) => ({ error: e.message }),
      );
    const cloned = 'members' in seen ? await n.query<{ state: string }>(groupSql.cloneStatus()) : [];
    const details = {
      returnedBy: f.held ? 'thawed or reconnected' : 'started again',
      untilOnlineMs: Date.now() - t0,
      recoveredBy: cloned.some((c) => c.state === 'Completed') ? 'clone' : 'incremental recovery (binary logs from a donor)',
      ...('members' in seen ? { group: seen.members } : { lastSeen: seen.error }),
    };
    ctx.observations[`rejoin ${n.name}`] = details;
    ctx.checks.push(rejoinedTheGroup(n.name, primary, size, seen, details));
  });

/** Every member has applied the same transactions (the same gtid_executed): then their data can be compared. */
export const groupConverges = (timeoutS = 120): Step =>
  step('every member has applied the same transactions', async (ctx) => {
    const nodes = ctx.topo.members;
    await waitUntil(
      () => Promise.all(nodes.map(async (n) => ({ node: n.name, executed: await gtidExecuted(n) }))),
      (xs) => xs.every((x) => x.executed === xs[0]!.executed),
      { what: "every member's gtid_executed to be the same", timeoutMs: timeoutS * 1000, intervalMs: 250 },
    );
  });
