// fault=split-brain: the primary cut off its replicas while the application servers on its side of the cut still
// reach it and keep writing there; those on the other side write through a proxy that cannot see it, so they follow
// the promoted replica. When the cut heals, the old primary is fenced, its side's writers are repointed, and the
// writes it acknowledged after the promotion are counted from the ledger, exact ids.
import { presentLedgerIds, splitBrainHeld, splitBrainWrites } from '../../verify/index.js';
import { WritableRouter } from '../../workload/index.js';
import type { FailoverState } from '../state.js';
import type { DrillContext } from '../types.js';

/**
 * The application splits with the cut: the upper half of the writers stays on the old primary (directly, as an
 * application server whose proxy sees only it), the rest moves behind a proxy of the other side, which knows every
 * node but the old primary: they have nowhere to write until a replica is promoted.
 */
export async function splitTheClients(ctx: DrillContext, f: FailoverState): Promise<void> {
  const n = ctx.workload.writerCount;
  const writers = Array.from({ length: n }, (_, i) => i + 1);
  const newSide = writers.slice(0, Math.floor(n / 2));
  const oldSide = writers.slice(newSide.length);
  if (!newSide.length || !oldSide.length) throw new Error(`a split brain needs writers on both sides of the cut; the workload has ${n}`);
  const router = new WritableRouter(() => ctx.topo.all().filter((x) => x.name !== f.failed && !ctx.topo.isFenced(x.name)));
  await router.start();
  ctx.run.onTeardown("stop the new side's proxy", () => router.stop());
  f.split = { oldSide, newSide, router };
  await Promise.all([ctx.workload.redirect(oldSide, ctx.topo.get(f.failed)), ctx.workload.redirect(newSide, router)]);
}

/** Every writer back behind the clients' own proxy (which no longer knows the fenced old primary); the cut is over. */
export async function joinTheClients(ctx: DrillContext, f: FailoverState): Promise<void> {
  const split = f.split;
  if (!split) return;
  split.firstIdAfterRepoint = await ctx.workload.redirect([...split.oldSide, ...split.newSide]);
  await split.router.stop();
}

/** The writes the old primary acknowledged after the promotion: on it alone, exact ids (check and observation). */
export async function judgeSplitBrain(ctx: DrillContext, f: FailoverState): Promise<void> {
  const split = f.split;
  if (!split) return;
  const old = ctx.topo.get(f.failed);
  const p = ctx.topo.primary;
  const writes = splitBrainWrites(ctx.workload.ledger.all(), split.oldSide, f.promotedAt!, split.firstIdAfterRepoint);
  const result = splitBrainHeld(
    old.name,
    p.name,
    writes,
    await presentLedgerIds(old, ctx.workload.db),
    await presentLedgerIds(p, ctx.workload.db),
  );
  ctx.checks.push(result);
  ctx.observations['split brain'] = {
    oldPrimary: old.name,
    newPrimary: p.name,
    oldSideWriters: split.oldSide,
    newSideWriters: split.newSide,
    writesAfterPromotion: result.details['count'],
    ids: result.details['ids'],
    firstAckAt: result.details['firstAckAt'],
    lastAckAt: result.details['lastAckAt'],
  };
}
