/**
 * The rolling upgrade's switchovers: the primary role moved to an upgraded replica and back (the rollback), each
 * write-unavailability window measured from the ledger, and every node compared with the primary after each.
 */
import { waitUntil } from '../../exec/index.js';
import { catchUpOrRefusal, replicateOrRefusal } from '../../runtime/replication-attempt.js';
import { upgradeSql } from '../../sql/index.js';
import { check, compareData, ledgerCheck, presentLedgerIds } from '../../verify/index.js';
import { checkName, observationName } from '../names.js';
import type { Step } from '../types.js';
import { ackedTotal, step } from './common.js';
import { switchPrimaryRole } from './switchover.js';
import { currentPrimary, findings } from './upgrade-context.js';

/**
 * Switches the primary role to `to`: the old primary is made read-only and the application stops writing to it;
 * `to` catches up, stops replicating and becomes writable; the application writes to it; every other node
 * (including the old primary, the rollback target) replicates from it. The write-unavailability window is measured
 * from the ledger. A replication direction the servers refuse is a finding with the server's error, not a crash.
 */
export const switchover = (to: string, label: string): Step =>
  step(`${label}: switch over to ${to}`, async (ctx) => {
    const old = currentPrimary(ctx);
    const nw = ctx.topo.get(to);
    const behind = [...ctx.state.replicationRefused.values()].some((names) => names.includes(to));
    if (behind) {
      // The target never replicated (the servers refused that direction): switching to it would lose writes. The
      // README promises the rollback is exercised: not doing it fails the drill (and blocks the go), saying why.
      const why = `${label}: not attempted: ${to} (${nw.adapter.flavor.id}) does not replicate from ${old.name} (${old.adapter.flavor.id}), so it is no rollback target; the way back is a restore of the last backup taken on the old version`;
      findings(ctx).push({
        severity: 'blocking',
        source: 'rolling-upgrade',
        kind: 'no-rollback-path',
        where: `${old.name} -> ${to}`,
        message: why,
      });
      ctx.observations[observationName.switchover(label)] = {
        from: old.name,
        to,
        attempted: false,
        reason: `${to} does not replicate from ${old.name}`,
      };
      ctx.checks.push(
        check(checkName.switchoverExercised(label), [
          { database: '*', object: `${old.name} -> ${to}`, kind: 'not-attempted', actual: why },
        ]),
      );
      return;
    }
    const m = await switchPrimaryRole(ctx, old, nw);
    const refused: Array<{ node: string; error: string }> = [];
    for (const n of ctx.topo.all()) {
      if (n === nw) continue;
      if (n === old) await n.query(upgradeSql.adoptOwnPositionAsReplica());
      const r = await replicateOrRefusal(n, nw, ctx.tctx.creds);
      if (!r.ok) refused.push({ node: n.name, error: r.error });
    }
    for (const r of refused) {
      findings(ctx).push({
        severity: 'warning',
        source: 'rolling-upgrade',
        kind: 'replication-refused',
        where: `${r.node} <- ${to}`,
        message: `${label}: ${r.node} (${ctx.topo.get(r.node).adapter.flavor.id}) cannot replicate from ${to} (${nw.adapter.flavor.id}); the server said: ${r.error}`,
        cite: "the replica's own replication error (SHOW ALL SLAVES STATUS)",
      });
    }
    const { switchMs, ...w } = m;
    findings(ctx).push({
      severity: 'info',
      source: 'rolling-upgrade',
      kind: `${label}-window`,
      where: `${old.name} (${old.adapter.flavor.id}) -> ${to} (${nw.adapter.flavor.id})`,
      message: `${label}: writes unavailable for ${w.writeUnavailableMs} ms (longest stretch without an acknowledged write, from the ledger: ${w.fromIso} -> ${w.toIso}); ${w.refused} write(s) refused, ${w.indeterminate} indeterminate; switch took ${switchMs} ms`,
      evidence: m,
    });
    ctx.checks.push(check(checkName.switchoverExercised(label), [], { from: old.name, to, switchMs }));
    ctx.observations[observationName.switchover(label)] = {
      from: old.name,
      to,
      attempted: true,
      fromFlavor: old.adapter.flavor.id,
      toFlavor: nw.adapter.flavor.id,
      ...m,
      replicasRefused: refused,
    };
    ctx.state.replicationRefused.set(
      label,
      refused.map((r) => r.node),
    );
  });

/** Every node equals the current primary row for row and holds every acknowledged write of the ledger. */
export const allEqualAndWhole = (label: string): Step =>
  step(`${label}: every node equals the primary and holds the ledger`, async (ctx) => {
    const p = currentPrimary(ctx);
    await ctx.workload.stop();
    const refused = new Set([...ctx.state.replicationRefused.values()].flat());
    for (const n of ctx.topo.all()) {
      if (n === p || refused.has(n.name)) continue;
      const r = await catchUpOrRefusal(n, p, 300);
      if (!r.ok) {
        // e.g. an old-version replica meeting DDL only the new version knows: the servers' refusal, as a finding
        refused.add(n.name);
        ctx.state.replicationRefused.set(label, [...(ctx.state.replicationRefused.get(label) ?? []), n.name]);
        findings(ctx).push({
          severity: 'warning',
          source: 'rolling-upgrade',
          kind: 'replication-refused',
          where: `${n.name} <- ${p.name}`,
          message: `${label}: ${n.name} (${n.adapter.flavor.id}) stopped replicating from ${p.name} (${p.adapter.flavor.id}); the server said: ${r.error}`,
          cite: "the replica's own replication error (SHOW ALL SLAVES STATUS)",
        });
        continue;
      }
      ctx.checks.push({ ...(await compareData(p, n)), name: checkName.equalsAfter(label, n.name, p.name) });
    }
    for (const n of ctx.topo.all()) {
      if (refused.has(n.name)) continue;
      const c = ledgerCheck(checkName.ledgerAfter(label, n.name), ctx.workload.ledger, await presentLedgerIds(n, ctx.workload.db));
      ctx.checks.push(c);
      if (!c.valid)
        findings(ctx).push({
          severity: 'blocking',
          source: 'rolling-upgrade',
          kind: 'data-lost',
          where: n.name,
          message: `${label}: ${n.name} lacks acknowledged writes or holds writes the clients did not make`,
          evidence: c.details,
        });
    }
    // The application writes again before anything else is measured (a switchover's window must not include this pause).
    const base = ackedTotal(ctx);
    ctx.workload.start();
    await waitUntil(
      async () => ackedTotal(ctx) - base,
      (k) => k >= 20,
      { what: `20 acknowledged writes on ${p.name} after the comparison`, timeoutMs: 60_000, intervalMs: 20 },
    );
  });
