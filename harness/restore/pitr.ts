import { join } from 'node:path';
import type { BinlogTransaction } from '../backup/index.js';
import type { StartedNode } from '../runtime/node.js';
import type { TopologyContext } from '../runtime/context.js';
import { describeStop, replayBinlogs } from './binlog-replay.js';
import { restorePhysical, type RestoreTarget } from './physical.js';

/**
 * Where a point-in-time recovery stops: before the first transaction after the backup point whose statement matches,
 * or before the first one written at or after a time (binlog event times have one-second granularity, so a time
 * target is a whole second: everything written in that second and later is left out).
 */
export type PitrTarget = { beforeStatement: RegExp } | { beforeTime: Date };

export interface PitrResult {
  node: StartedNode;
  /** The transaction the recovery stops before (e.g. the DROP), found in the streamed binlogs. */
  stoppedBefore: BinlogTransaction;
  /** The last transaction applied (undefined: the backup alone is the recovery point). */
  lastApplied?: BinlogTransaction;
  transactionsApplied: number;
  replaySqlBytes: number;
  timings: { restoreMs: number; locateMs: number; replayMs: number };
}

/**
 * Point-in-time recovery: restore the physical artifact into a new node, find the target in the streamed binlogs,
 * then replay, with the flavor's binlog tool, every transaction after the backup's GTID point up to the one before
 * the target (original GTIDs kept), into the restored server.
 */
export async function pointInTimeRestore(
  ctx: TopologyContext,
  artifactDir: string,
  binlogDir: string,
  files: readonly string[],
  target: PitrTarget,
  as: RestoreTarget,
): Promise<PitrResult> {
  const t0 = Date.now();
  const restored = await restorePhysical(ctx, artifactDir, as);
  const backupPoint = restored.manifest.position.gtid;
  const restoreMs = Date.now() - t0;
  ctx.progress(`${as.name}: restored the backup at ${backupPoint}; looking for the target in ${files.length} streamed binlog file(s)`);
  const r = await replayBinlogs(ctx, restored.node, {
    archive: { dir: binlogDir, files },
    backupPoint,
    stop: target,
    label: as.name,
    work: join(await ctx.run.tempDir(), `pitr-${as.name}`),
    client: { argv: restored.node.adapter.client, timeoutMs: 30 * 60_000 },
    check: (range) => {
      if (!range.stoppedBefore)
        throw new Error(
          `no transaction after the backup point ${backupPoint} is at the target (${describeStop(target)}) in ${files.join(', ')}`,
        );
    },
  });
  return {
    node: restored.node,
    stoppedBefore: r.stoppedBefore!,
    lastApplied: r.applied.at(-1),
    transactionsApplied: r.applied.length,
    replaySqlBytes: r.replaySqlBytes,
    timings: { restoreMs, locateMs: r.locateMs, replayMs: r.replayMs },
  };
}
