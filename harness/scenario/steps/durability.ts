// How durable a commit is when the primary dies: asynchronous replication, or semi-synchronous (AFTER_SYNC or
// AFTER_COMMIT) with its timeout fallback to async, sampled all along so a loss can be judged against what the primary said at the time.
import { setTimeout as delay } from 'node:timers/promises';
import { waitUntil } from '../../exec/index.js';
import { replicaStates } from '../../runtime/replication.js';
import { failoverSql, type SemiSyncWaitPoint } from '../../sql/index.js';
import type { Step } from '../types.js';
import { step } from './common.js';
import { failoverOf } from './failover.js';

const SAMPLE_EVERY_MS = 100;

/** Semi-sync's wait point by the `durability` parameter; undefined: asynchronous replication. */
export function semiSyncWaitPoint(durability: unknown): SemiSyncWaitPoint | undefined {
  const d = String(durability ?? 'async');
  return d === 'semisync' ? 'AFTER_SYNC' : d === 'semisync-after-commit' ? 'AFTER_COMMIT' : undefined;
}

/**
 * `durability=semisync` (or `semisync-after-commit`): every node can act as a semi-sync primary and replica (MariaDB's
 * built-in rpl_semi_sync_master_*, MySQL's rpl_semi_sync_source/replica plugins), AFTER_SYNC (or AFTER_COMMIT: the
 * commit is visible to other sessions before a replica has it; the writer is still answered only after the
 * acknowledgement, so what it was told is committed is promised the same), `semiSyncTimeoutMs` before the
 * fallback to async; replicas reconnect so they register as semi-sync. The primary's status is sampled every 100 ms
 * until the drill ends. `async`: nothing changes (the default).
 */
/** `commitFlush`: sync_binlog and innodb_flush_log_at_trx_commit per setting; undefined: as the server is configured. */
const COMMIT_FLUSH: Record<string, [number, 0 | 1 | 2] | undefined> = { strict: [1, 1], relaxed: [0, 2], none: [0, 0] };

export const durability = (): Step =>
  step('set the durability of commits (async or semi-sync, and the commit flush)', async (ctx) => {
    const flush = COMMIT_FLUSH[String(ctx.params['commitFlush'] ?? 'server')];
    const asRun: Record<string, unknown> = {};
    for (const n of ctx.topo.all()) {
      if (flush) for (const s of failoverSql.setCommitFlush(...flush)) await n.query(s);
      const [row] = await n.query<{ syncBinlog: unknown; flushAtCommit: unknown }>(failoverSql.commitFlush());
      asRun[n.name] = { sync_binlog: Number(row?.syncBinlog), innodb_flush_log_at_trx_commit: Number(row?.flushAtCommit) };
    }
    // A SIGKILL keeps the operating system's page cache: what a relaxed flush leaves unsynced survives a killed
    // server, and is lost only when the host itself fails (docs/failover.md).
    ctx.observations['commit flush'] = { setting: String(ctx.params['commitFlush'] ?? 'server'), nodes: asRun };
    const waitPoint = semiSyncWaitPoint(ctx.params['durability']);
    if (!waitPoint) return;
    const f = failoverOf(ctx);
    const timeoutMs = Number(ctx.params['semiSyncTimeoutMs'] ?? 2000);
    // A delayed replica never acknowledges: it is never promoted, so a write only it holds is as good as lost.
    const delayed = new Set<string>();
    for (const r of ctx.topo.replicas) if (((await replicaStates(r))[0]?.delaySeconds ?? 0) > 0) delayed.add(r.name);
    for (const n of ctx.topo.all()) {
      for (const s of n.adapter.failover.semiSyncInstall()) await n.query(s);
      for (const s of n.adapter.failover.semiSyncEnable(timeoutMs, !delayed.has(n.name), waitPoint)) await n.query(s);
    }
    for (const r of ctx.topo.replicas) {
      await r.query(r.adapter.failover.stopIoThread());
      await r.query(r.adapter.failover.startIoThread());
    }
    const status = async () => {
      const p = ctx.topo.primary;
      const rows = await p.query<{ Variable_name: string; Value: string }>(p.adapter.failover.semiSyncStatus(), { timeoutMs: 1000 });
      return { node: p.name, rows: Object.fromEntries(rows.map((r) => [r.Variable_name, String(r.Value)])) };
    };
    const first = await waitUntil(status, (s) => s.rows[ctx.topo.primary.adapter.failover.semiSyncStatusVariable] === 'ON', {
      what: 'the primary to report semi-sync ON',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const [set] = await ctx.topo.primary.query<{ Value: string }>(failoverSql.semiSyncWaitPointSetting());
    ctx.observations['semi-sync'] = {
      timeoutMs,
      waitPoint,
      waitPointOnPrimary: set?.Value ?? null,
      notAcknowledging: [...delayed],
      atStart: first.rows,
    };
    let running = true;
    const loop = (async () => {
      while (running) {
        const s = await status().catch(() => undefined);
        if (s)
          f.semiSync.push({ at: Date.now(), node: s.node, on: s.rows[ctx.topo.primary.adapter.failover.semiSyncStatusVariable] === 'ON' });
        await delay(SAMPLE_EVERY_MS); // the sampler's pace, not a wait for a condition
      }
    })();
    ctx.run.onTeardown('stop sampling the semi-sync status', async () => {
      running = false;
      await loop;
    });
  });
