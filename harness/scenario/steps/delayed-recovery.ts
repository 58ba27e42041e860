// A delayed replica as the recovery path of an accident: it has not applied the DROP yet, so the DBA finds the DROP in
// the primary's binary log and runs the replica up to the transaction before it (no backup, no binlog replay).
import { waitUntil } from '../../exec/index.js';
import { gtidExecuted, replicaStates } from '../../runtime/replication.js';
import { locateStatement } from '../../verify/index.js';
import { observationName } from '../names.js';
import type { Step } from '../types.js';
import { step, withNodes } from './common.js';
import { accidentOf } from './pitr.js';

/**
 * The delayed replica is stopped, its delay lifted, and started again until the transaction before the DROP (found in
 * the primary's binary log; MariaDB `UNTIL master_gtid_pos`, MySQL `UNTIL SQL_BEFORE_GTIDS`); the step waits until
 * its SQL thread has stopped there. `stopLate` (a test's parameter) moves the stop point that many transactions later:
 * 1 applies the DROP too, and the drill must fail because the table is gone.
 */
export const delayedReplicaUpToTheDrop = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`${node} runs up to the transaction before the DROP and stops`, async (ctx) => {
      const acc = accidentOf(ctx);
      const n = ctx.topo.get(node);
      const t0 = Date.now();
      // The accident's own statement (a dump's `DROP TABLE IF EXISTS` earlier in the log is not it): the last one.
      const name = (x: string) => `\`?${x.replace(/[^\w$]/g, '\\$&')}\`?`;
      const dropped = new RegExp(`\\bDROP\\s+TABLE\\s+${name(acc.db)}\\.${name(acc.table)}`, 'i');
      const { gtids, at } = await locateStatement(ctx.topo.primary, (info) => dropped.test(info));
      if (at < 1)
        throw new Error(`the DROP of ${acc.db}.${acc.table} is not in ${ctx.topo.primary.name}'s binary logs after a transaction`);
      const late = Number(ctx.params['stopLate'] ?? 0);
      const lastApplied = gtids[at - 1 + late];
      const firstNotApplied = gtids[at + late];
      if (!lastApplied || !firstNotApplied)
        throw new Error(`stopLate=${late}: the primary's binary logs hold no transaction ${late} past the DROP (${gtids[at]})`);
      const located = Date.now();
      const [before] = await replicaStates(n);
      await n.query(n.adapter.dialect.stopReplica());
      await n.query(n.adapter.failover.delay(0));
      await n.query(n.adapter.failover.startUntil(lastApplied, firstNotApplied));
      const stopped = await waitUntil(
        async () => (await replicaStates(n))[0],
        (st) => !!st && st.sqlRunning !== 'Yes',
        { what: `${node}'s SQL thread to stop at ${lastApplied} (before ${firstNotApplied})`, timeoutMs: 300_000, intervalMs: 100 },
      );
      const done = Date.now();
      await n.query(n.adapter.dialect.stopReplica());
      ctx.state.recoveredBefore.set(node, { stopBefore: gtids[at]!, lastApplied: gtids[at - 1], cut: acc.cut });
      ctx.observations[observationName.delayedReplicaRecovery(node)] = {
        drop: gtids[at],
        lastApplied,
        firstNotApplied,
        stopLate: late,
        delaySecondsBefore: before?.delaySeconds ?? null,
        executedAtStop: await gtidExecuted(n),
        sqlThreadError: stopped?.lastSqlError ?? '',
        timings: { locateMs: located - t0, applyMs: done - located },
      };
    }),
  );
