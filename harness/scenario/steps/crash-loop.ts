import { waitUntil } from '../../exec/index.js';
import { supervisedRestarts } from '../../faults/index.js';
import { gtidExecuted, gtidReplicaPos, waitCaughtUp } from '../../runtime/replication.js';
import { crashSql, type RowRef } from '../../sql/index.js';
import { check, compareData, type Difference } from '../../verify/index.js';
import { checkName, observationName } from '../names.js';
import { need } from '../state.js';
import type { DrillContext, Step } from '../types.js';
import { step } from './common.js';

/** Runs a DELETE on the primary so that replicas fire their own triggers applying it; remembers its GTID. */
export const poisonDelete = (row: RowRef): Step =>
  step(`DELETE the poison row ${row.db}.${row.table} ${row.key}=${row.id} on the primary`, async (ctx) => {
    const p = ctx.topo.primary;
    const { statements, gtid } = p.adapter.dialect.poisonDelete(crashSql.deleteRow(row));
    for (const s of statements) await p.query(s);
    const [g] = await p.query<{ gtid: string }>(gtid);
    ctx.state.poisonGtid = String(g?.gtid);
    ctx.observations[observationName.poisonTransaction] = { gtid: String(g?.gtid), row };
  });

const poisonGtid = (ctx: DrillContext) => need(ctx.state.poisonGtid, 'no poison transaction has run in this drill');

/** The supervisor restarts the server again and again: waits for `min` restarts and records the count and lag. */
export const observeCrashLoop = (node: string, min = 3, timeoutS = 120): Step =>
  step(`${node} crash-loops`, async (ctx) => {
    const n = ctx.topo.get(node);
    const t0 = Date.now();
    const seen = await waitUntil(
      () => supervisedRestarts(n),
      (c) => c >= min,
      { what: `${node} to be restarted ${min} times by its supervisor`, timeoutMs: timeoutS * 1000, intervalMs: 250 },
    ).then(
      (c) => ({ ok: true, restarts: c }),
      (e: Error) => ({ ok: false, restarts: 0, error: e.message }),
    );
    const primaryAt = await gtidExecuted(ctx.topo.primary);
    ctx.observations[observationName.crashLoop(node)] = {
      ...seen,
      seconds: (Date.now() - t0) / 1000,
      primaryPosition: primaryAt,
      acknowledgedWrites: ctx.workload.ledger.summary().acked,
    };
    ctx.checks.push(
      check(checkName.crashLoops(node), seen.ok ? [] : [{ database: '*', object: node, kind: 'no-crash-loop', actual: seen }], {
        restarts: seen.restarts,
      }),
    );
  });

/** After the loop is broken: the replica stopped just before the poison transaction, while the primary went on. */
export const stuckBeforePoison = (node: string): Step =>
  step(`${node} is stuck just before the poison transaction`, async (ctx) => {
    const n = ctx.topo.get(node);
    const poison = poisonGtid(ctx);
    const pos = await gtidReplicaPos(n);
    const primaryAt = await gtidExecuted(ctx.topo.primary);
    const restarts = await supervisedRestarts(n);
    const lacks = !n.adapter.gtid.contains(pos, poison);
    ctx.observations[observationName.stuck(node)] = { replicaPosition: pos, poison, primaryPosition: primaryAt, restarts };
    ctx.checks.push(
      check(
        checkName.stuckBeforePoison(node),
        lacks ? [] : [{ database: '*', object: node, kind: 'poison-applied', actual: pos, expected: `without ${poison}` }],
        { replicaPosition: pos, poisonGtid: poison, primaryPosition: primaryAt, restarts },
      ),
    );
  });

/** Recovery (a): skip the poison transaction on the stopped replica and restart replication. */
export const skipPoison = (node: string): Step =>
  step(`skip the poison transaction on ${node}`, async (ctx) => {
    const n = ctx.topo.get(node);
    const poison = poisonGtid(ctx);
    const d = n.adapter.dialect;
    await n.query(d.stopReplica());
    const newPos = n.adapter.gtid.advance(await gtidReplicaPos(n), poison);
    for (const s of d.skipTransaction(poison, newPos)) await n.query(s);
    await n.query(d.startReplica());
    await waitCaughtUp(n, ctx.topo.primary, 300);
  });

/** After a skip, the replica differs from the primary by exactly the skipped transaction's row, and verify names it. */
export const divergesExactlyBy = (node: string, row: RowRef): Step =>
  step(`${node} diverges exactly by the skipped row`, async (ctx) => {
    // The poison's own database: the workload keeps writing elsewhere (the ledger checks that part).
    const data = await compareData(ctx.topo.primary, ctx.topo.get(node), { databases: [row.db] });
    const diffs = (data.details['differences'] as Difference[]) ?? [];
    const rows = diffs.filter((d) => d.kind.startsWith('row-'));
    const exact =
      rows.length === 1 &&
      rows[0]!.kind === 'row-unexpected' &&
      rows[0]!.where === `${row.key}=${row.id}` &&
      diffs.every((d) => d.database === row.db && d.object === row.table);
    ctx.observations[observationName.divergenceAfterSkip(node)] = { rowsDiffering: rows.length, differences: diffs };
    ctx.checks.push(
      check(
        checkName.divergesExactlyBySkippedTransaction(node),
        exact ? [] : [{ database: row.db, object: row.table, kind: 'unexpected-divergence', actual: diffs }],
        { namedByVerify: rows },
      ),
    );
  });

/** The repair after a skip: apply the skipped DELETE by hand on the replica, outside the binary log. */
export const repairSkipped = (node: string, row: RowRef): Step =>
  step(`apply the skipped DELETE on ${node} by hand`, async (ctx) => {
    for (const s of crashSql.deleteLocally(row)) await ctx.topo.get(node).query(s);
  });
