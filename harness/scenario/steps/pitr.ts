import { pointInTimeRestore } from '../../restore/index.js';
import { gtidExecuted, gtidWritten } from '../../runtime/replication.js';
import { binlogSql, datasetSql, workloadSql } from '../../sql/index.js';
import {
  compareSnapshots,
  ledgerAtCutCheck,
  presentLedgerIds,
  stopsJustBefore,
  takeSnapshot,
  type RecoveryCut,
} from '../../verify/index.js';
import { BinlogStream } from '../../backup/index.js';
import { checkName, observationName } from '../names.js';
import { need } from '../state.js';
import type { DrillContext, Step } from '../types.js';
import { latest, restoredServerId, step, underLoad, withNodes } from './common.js';

const stream = (ctx: DrillContext) => need(ctx.state.binlogStream, 'no binlog stream runs in this drill');
export const accidentOf = (ctx: DrillContext) => need(ctx.state.accident, 'no accident has happened in this drill');

/** Starts continuous binlog streaming from the node into the backup store. */
export const streamBinlogs = (from = 'primary'): Step =>
  step(`stream ${from}'s binlogs into the backup store`, async (ctx) => {
    const s = await BinlogStream.start(ctx.tctx, ctx.topo.get(from), ctx.store);
    ctx.state.binlogStream = s;
  });

/**
 * The streamer crashes (SIGKILL) under load; while it is down the writes go on and the primary rotates to a new
 * binlog; it is resumed at its last (possibly cut) file and must follow into the new one.
 */
export const streamerCrashAndResume = (ackedWhileDown = 200): Step =>
  step('the binlog streamer is SIGKILLed, the primary rotates its binlog, the streamer resumes', async (ctx) => {
    const s = stream(ctx);
    await s.kill();
    const filesAtKill = await s.files();
    await underLoad(Math.ceil(ackedWhileDown / 2)).run(ctx);
    await ctx.topo.get(s.source.name).query(binlogSql.flushBinaryLogs());
    await underLoad(Math.ceil(ackedWhileDown / 2)).run(ctx);
    const from = await s.resume();
    const r = s.restarts.at(-1)!;
    ctx.observations[observationName.binlogStreamerRestart] = { filesAtKill, resumedFrom: from, downMs: r.resumedAt - r.killedAt };
    // The kill is a fault like any other: its window goes into the record (reports shade it).
    ctx.faults.push({
      fault: { kind: 'kill-binlog-streamer', target: s.source.name },
      description: `SIGKILL the binlog streamer of ${s.source.name}`,
      injectedAt: r.killedAt,
      healedAt: r.resumedAt,
      effect: { nodes: [], observed: { filesAtKill } },
      heal: { resumedFrom: from, downMs: r.resumedAt - r.killedAt },
    });
  });

/**
 * The table an accident takes: `db.table` given (or the `dropTable` parameter), or by default (`auto`) the dataset's
 * largest InnoDB table that no foreign key references; on a dataset without one, firedrill's own target table.
 */
async function accidentTarget(ctx: DrillContext, given?: string): Promise<{ db: string; table: string; why: string }> {
  const named = given ?? String(ctx.params['dropTable'] ?? 'auto');
  if (named !== 'auto') {
    const [db, table] = named.split('.') as [string, string];
    return { db, table, why: given ? 'named by the scenario' : 'the dropTable parameter' };
  }
  const dbs = ctx.dataset.databases;
  const [row] = dbs.length ? await ctx.topo.primary.query<{ db: string; tbl: string }>(datasetSql.largestUnreferencedTable(dbs)) : [];
  if (row)
    return { db: row.db, table: row.tbl, why: `the largest InnoDB table of dataset ${ctx.dataset.name} that no foreign key references` };
  return {
    db: ctx.own.targets,
    table: workloadSql.TARGET_TABLE,
    why: `dataset ${ctx.dataset.name} has no table to drop: firedrill's own target table`,
  };
}

/** Someone drops a table on the primary. Its contents are snapshotted first (read-only) so the recovery can be proved. */
export const accidentalDrop = (named?: string): Step =>
  step(`someone runs DROP TABLE ${named ?? '(the dropTable parameter)'} on the primary`, async (ctx) => {
    const { db, table, why } = await accidentTarget(ctx, named);
    ctx.observations[observationName.accidentTarget] = { table: `${db}.${table}`, why };
    ctx.progress(`  the accident drops ${db}.${table} (${why})`);
    const p = ctx.topo.primary;
    const before = await takeSnapshot(p, [db]);
    const from = Date.now();
    await p.query(binlogSql.dropTable(db, table));
    const to = Date.now();
    ctx.state.accident = { db, table, cut: { from, to }, before };
    ctx.state.recoveryPoint = from;
    ctx.observations[observationName.accident] = {
      statement: `DROP TABLE ${db}.${table}`,
      issuedAt: new Date(from).toISOString(),
      tookMs: to - from,
      primaryAfter: await gtidExecuted(p),
    };
  });

/** The stream holds every event of the source's binlogs exactly once (byte-identical files), across the streamer restart. */
export const streamComplete = (): Step =>
  step('the binlog stream holds every event exactly once', async (ctx) => {
    const s = stream(ctx);
    ctx.checks.push(await s.compareWithSource(checkName.binlogStreamIdenticalToSource));
  });

/**
 * Point-in-time recovery into a new node: the latest physical backup plus the streamed binlogs, stopping before the
 * DROP (found by its statement), or by time: before the whole second in which the DROP ran (what a DBA who only
 * knows when it happened would do; writes of that second are left out too, and the ledger check uses that second).
 */
export const pointInTimeRecovery = (as: string, by: 'statement' | 'time' = 'statement'): Step =>
  withNodes(
    { creates: [as] },
    step(`point-in-time recovery as ${as}, stopping before the DROP (by ${by})`, async (ctx) => {
      const s = stream(ctx);
      const a = latest(ctx);
      const acc = accidentOf(ctx);
      const second = Math.floor(acc.cut.from / 1000) * 1000;
      const target = by === 'statement' ? { beforeStatement: /^DROP TABLE/i } : { beforeTime: new Date(second) };
      const cut: RecoveryCut = by === 'statement' ? acc.cut : { from: second, to: second };
      await s.stop();
      const r = await pointInTimeRestore(ctx.tctx, a.dir, s.dir, await s.files(), target, { name: as, serverId: restoredServerId(ctx) });
      ctx.topo.add(r.node);
      ctx.state.recoveredBefore.set(as, { stopBefore: r.stoppedBefore.gtid, lastApplied: r.lastApplied?.gtid, cut });
      ctx.observations[observationName.pointInTimeRecovery(as)] = {
        artifact: a.manifest.id,
        backupGtid: a.manifest.position.gtid,
        target: 'beforeStatement' in target ? String(target.beforeStatement) : target.beforeTime.toISOString(),
        stoppedBefore: r.stoppedBefore,
        lastApplied: r.lastApplied,
        transactionsApplied: r.transactionsApplied,
        replaySqlBytes: r.replaySqlBytes,
        timings: r.timings,
      };
    }),
  );

/**
 * The recovered node is the primary just before the accident: the dropped table is back and its database equals the
 * snapshot taken before the DROP; its GTIDs include the last transaction before the DROP and not the DROP itself;
 * the ledger shows every write acknowledged before the DROP and none sent after it.
 */
export const recoveredToJustBeforeAccident = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`${node} holds everything before the DROP and nothing after`, async (ctx) => {
      const n = ctx.topo.get(node);
      const a = accidentOf(ctx);
      const r = need(ctx.state.recoveredBefore.get(node), `${node} was not recovered to just before the accident`);
      for (const c of compareSnapshots(a.before, await takeSnapshot(n, [a.db], { against: a.before })))
        ctx.checks.push({ ...c, name: checkName.asBeforeTheDrop(node, c.name) });
      // What the node has written to its binlog (MariaDB gtid_binlog_state, MySQL gtid_executed): the replayed
      // transactions keep their original GTIDs there.
      const pos = await gtidWritten(n);
      ctx.checks.push(stopsJustBefore(n.adapter.gtid, node, pos, r.stopBefore, r.lastApplied));
      ctx.checks.push(
        ledgerAtCutCheck(checkName.ledgerAtRecoveryPoint(node), ctx.workload.ledger, await presentLedgerIds(n, ctx.workload.db), r.cut),
      );
    }),
  );
