// After a failover: what it must have left (one writable primary, every replica following it, the promoted node
// holding everything), and the old primary's return (its divergent history named, fenced or rejoined).
import { catchUpOrRefusal } from '../../runtime/replication-attempt.js';
import { attachReplica, gtidWritten, replicaStates } from '../../runtime/replication.js';
import { failoverSql } from '../../sql/index.js';
import {
  check,
  compareServers,
  errantNamed,
  errantTransactions,
  fenced,
  ledgerAfterFailover,
  lostToUnwrittenRedo,
  noErrantTransactions,
  oneWritablePrimary,
  presentLedgerIds,
  promotedHeldEverything,
  rejoinAllowed,
  replicasFollow,
  semiSyncKeptItsPromise,
  type FollowerState,
} from '../../verify/index.js';
import type { LedgerEntry } from '../../workload/index.js';
import { checkName } from '../names.js';
import { need } from '../state.js';
import type { Step } from '../types.js';
import { harnessAccounts, step } from './common.js';
import { semiSyncWaitPoint } from './durability.js';
import { failoverOf } from './failover.js';
import { rebuildOldPrimary } from './old-primary-rebuild.js';
import { joinTheClients, judgeSplitBrain } from './split-brain.js';

/** innodb_flush_log_at_trx_commit=0 writes the log once a second (innodb_flush_log_at_timeout, default 1): twice that. */
const UNWRITTEN_REDO_WINDOW_MS = 2000;

/** One writable primary, every replica replicating from it and caught up, no errant GTIDs, the promoted node complete. */
export const failoverHolds = (): Step =>
  step('the failover left one primary that every replica follows', async (ctx) => {
    const f = failoverOf(ctx);
    const p = ctx.topo.primary;
    // In a split brain the cut-off old primary is writable on its side until it returns and is fenced: judged there.
    const states = await Promise.all(
      ctx.topo
        .all()
        .filter((n) => !(f.split && n.name === f.failed))
        .map(async (n) => {
          const [row] = await n.query<{ ro: unknown }>(failoverSql.readOnly(), { timeoutMs: 3000 }).catch(() => []);
          return { node: n.name, readOnly: row ? Number(row.ro) !== 0 : null };
        }),
    );
    ctx.checks.push(oneWritablePrimary(p.name, states));
    const followers: FollowerState[] = [];
    for (const r of ctx.topo.replicas) {
      const caught = await catchUpOrRefusal(r, p, 120);
      const [st] = await replicaStates(r);
      followers.push({
        node: r.name,
        sourceHost: st?.sourceHost ?? '',
        ioRunning: st?.ioRunning ?? '',
        sqlRunning: st?.sqlRunning ?? '',
        error: caught.ok ? '' : caught.error,
        caughtUp: caught.ok,
      });
      ctx.checks.push({ ...(await noErrantTransactions(r, p)), name: `${r.name}-no-errant-transactions-against-${p.name}` });
    }
    ctx.checks.push(replicasFollow(p.name, followers));
    const atFailure = need(f.atFailure, 'no replica facts at failure').filter((x) => x.reachable);
    ctx.checks.push(
      promotedHeldEverything(
        p.adapter.gtid,
        p.name,
        await gtidWritten(p),
        atFailure.map((x) => ({ node: x.name, executed: x.executed })),
      ),
    );
    const promotedFacts = atFailure.find((x) => x.name === p.name);
    const stillDisabled = await p.query<{ db: string; name: string }>(failoverSql.replicaSideDisabledEvents());
    ctx.checks.push(
      check(
        `${p.name}-events-enabled-after-promotion`,
        stillDisabled.map((e) => ({ database: e.db, object: e.name, kind: 'event-still-replica-side-disabled' })),
        { disabledBeforePromotion: promotedFacts?.disabledEvents ?? [], enabledByPromotion: f.eventsEnabled ?? null },
      ),
    );
  });

/**
 * Every replica equals the primary (schema objects, rows, accounts) and every node of the topology holds the ledger,
 * but for the writes the failover lost by design (only the old primary holds them).
 */
export const replicasEqualPrimaryAndLedger = (): Step =>
  step('every replica equals the new primary and holds the ledger', async (ctx) => {
    const p = ctx.topo.primary;
    for (const r of ctx.topo.replicas) {
      await catchUpOrRefusal(r, p, 300);
      // A node that took writes the primary never had (e.g. a demoted primary still written to): named by GTID.
      ctx.checks.push({ ...(await noErrantTransactions(r, p)), name: `${r.name}-no-errant-transactions-against-${p.name}` });
      for (const c of await compareServers(p, r, { excludeAccounts: harnessAccounts(ctx) }))
        ctx.checks.push({ ...c, name: checkName.equalsSource(r.name, c.name, p.name) });
    }
    const lostByDesign = need(failoverOf(ctx).lostByDesign, 'the old primary has not returned (oldPrimaryReturns)');
    for (const n of [p, ...ctx.topo.replicas])
      ctx.checks.push(
        ledgerAfterFailover(checkName.ledger(n.name), ctx.workload.ledger, await presentLedgerIds(n, ctx.workload.db), lostByDesign),
      );
  });

/**
 * The failed primary comes back: it is fenced at once (read-only for every account; the proxy does not know it),
 * its divergent history is found by GTID set algebra and named, and with `oldPrimary=rejoin` it replicates from the
 * new primary, unless that would put it on top of divergent history (the drill then fails); with `oldPrimary=rebuild`
 * its datadir is discarded and it is rebuilt from a backup of the new primary's data (old-primary-rebuild.ts). The writes it
 * acknowledged that the new primary lacks are the failover's expected loss (unless semi-sync promised them).
 */
export const oldPrimaryReturns = (): Step =>
  step('the old primary returns', async (ctx) => {
    const f = failoverOf(ctx);
    const old = ctx.topo.get(f.failed);
    const p = ctx.topo.primary;
    // Killed: started again. Frozen or cut off: thawed or reconnected, and whatever its clients had queued commits
    // before the fence can hold (firedrill's clients are not bound by read_only): such writes must be named below.
    const held = f.held;
    if (held) {
      held.release();
      await held.healed;
    } else await old.restart();
    const returnedAt = Date.now();
    await old.query(old.adapter.failover.fence());
    // A split brain: the old side's writers are repointed (each ends its write on the old primary first), then judged.
    await joinTheClients(ctx, f);
    await judgeSplitBrain(ctx, f);
    const found = await errantTransactions(old, p);
    const [me] = await old.query<{ w: string }>(old.adapter.dialect.gtidWriterIdentity());
    const onNew = new Set(await presentLedgerIds(p, ctx.workload.db));
    const onOld = await presentLedgerIds(old, ctx.workload.db);
    const divergent = onOld.filter((id) => !onNew.has(id)).sort((a, b) => a - b);
    ctx.checks.push(errantNamed(old.name, found, String(me?.w), divergent));
    const [ro] = await old.query<{ ro: unknown }>(failoverSql.readOnly());
    ctx.checks.push(fenced(old.name, { readOnly: Number(ro?.ro) !== 0, replicationChannels: (await replicaStates(old)).length }));
    // The loss a failover may have: acknowledged writes that only the old primary holds, and that semi-sync did not promise.
    const byId = new Map(ctx.workload.ledger.all().map((e) => [e.id, e]));
    const lostHere = divergent.map((id) => byId.get(id)).filter((e): e is LedgerEntry => e?.outcome === 'acked');
    const semi = semiSyncWaitPoint(ctx.params['durability']) !== undefined;
    const promise = semi
      ? semiSyncKeptItsPromise(
          lostHere,
          f.semiSync.filter((s) => s.node === f.failed),
        )
      : undefined;
    if (promise) ctx.checks.push(promise);
    const promised = new Set((promise?.details['lostWhileOn'] as number[] | undefined) ?? []);
    // commitFlush=none: a killed primary also loses what its unwritten redo log held (the last second or so before
    // the kill), on itself too: a measured finding of that setting, bounded to that window, never of the others.
    const unwritten =
      String(ctx.params['commitFlush'] ?? 'server') === 'none' && !held
        ? lostToUnwrittenRedo(
            ctx.workload.ledger.all(),
            { oldPrimary: new Set(onOld), newPrimary: onNew },
            need(f.faultDoneAt, 'no fault has hit the primary'),
            UNWRITTEN_REDO_WINDOW_MS,
          )
        : [];
    f.lostByDesign = [...lostHere.filter((e) => !promised.has(e.id)).map((e) => e.id), ...unwritten];
    ctx.state.expectedLoss = f.lostByDesign.length;
    ctx.observations['old primary'] = {
      node: old.name,
      errantGtids: found.errant,
      divergentLedgerIds: divergent.slice(0, 50),
      divergentAcknowledged: lostHere.length,
      ...(unwritten.length ? { lostWithUnwrittenRedo: { count: unwritten.length, first: unwritten[0], last: unwritten.at(-1) } } : {}),
      expectedLoss: ctx.state.expectedLoss,
      returnedBy: held ? `${String(ctx.params['fault'])} healed` : 'restart',
      fencedAfterMs: Date.now() - returnedAt,
    };
    const way = String(ctx.params['oldPrimary'] ?? 'fence');
    if (way === 'rebuild') return rebuildOldPrimary(ctx, old.name);
    if (way !== 'rejoin') return;
    const allowed = rejoinAllowed(old.name, found.errant);
    ctx.checks.push(allowed);
    if (!allowed.valid) return; // left fenced: replicating on top of its own divergent history would hide it
    for (const s of old.adapter.failover.adoptOwnPosition()) await old.query(s);
    await attachReplica(old, p, ctx.tctx.creds);
    ctx.topo.rejoin(old.name);
  });
