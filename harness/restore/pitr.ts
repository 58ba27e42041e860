import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { eventTime, parseBinlogTextFile, type BinlogTransaction } from '../backup/index.js';
import { oneShot } from '../runtime/oneshot.js';
import type { StartedNode } from '../runtime/node.js';
import type { TopologyContext } from '../runtime/context.js';
import { restorePhysical, type RestoreTarget } from './physical.js';

const STORE = '/binlogs';
const WORK = '/work';

/**
 * Runs the flavor's binlog tool over the streamed files in a one-shot container (the files read-only) and returns
 * the host path of what it wrote: `argv` gets the files as the container sees them and the output path there.
 */
async function runBinlogTool(
  ctx: TopologyContext,
  binlogDir: string,
  files: readonly string[],
  out: string,
  argv: (files: string[], resultFile: string) => string[],
): Promise<string> {
  const work = join(binlogDir, '..', 'decoded');
  await mkdir(work, { recursive: true });
  await oneShot(ctx, {
    name: out.replace(/\.\w+$/, ''),
    argv: argv(
      files.map((f) => `${STORE}/${f}`),
      `${WORK}/${out}`,
    ),
    mounts: [
      { source: binlogDir, target: STORE, readOnly: true },
      { source: work, target: WORK },
    ],
  });
  return join(work, out);
}

/** Decodes the streamed binlog files (in the flavor's own tool, in a one-shot container) and lists their transactions. */
async function listBinlogTransactions(
  ctx: TopologyContext,
  binlogDir: string,
  files: readonly string[],
  label: string,
): Promise<BinlogTransaction[]> {
  return parseBinlogTextFile(
    await runBinlogTool(ctx, binlogDir, files, `${label}-decode.txt`, (f, out) => ctx.adapter.binlog.decode(f, out)),
    files,
  );
}

/**
 * Where a point-in-time recovery stops: before the first transaction after the backup point whose statement matches,
 * or before the first one written at or after a time (binlog event times have one-second granularity, so a time
 * target is a whole second: everything written in that second and later is left out).
 */
export type PitrTarget = { beforeStatement: RegExp } | { beforeTime: Date };

const targetIndex = (txs: readonly BinlogTransaction[], t: PitrTarget) =>
  'beforeStatement' in t
    ? txs.findIndex((x) => x.statements.some((s) => t.beforeStatement.test(s)))
    : txs.findIndex((x) => eventTime(x.at) >= t.beforeTime.getTime());

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
  const t1 = Date.now();
  ctx.progress(`${as.name}: restored the backup at ${backupPoint}; looking for the target in ${files.length} streamed binlog file(s)`);
  const all = await listBinlogTransactions(ctx, binlogDir, files, `${as.name}-locate`);
  const algebra = ctx.adapter.gtid;
  const after = all.filter((t) => !algebra.contains(backupPoint, t.gtid));
  const i = targetIndex(after, target);
  if (i < 0)
    throw new Error(
      `no transaction after the backup point ${backupPoint} is at the target (${'beforeStatement' in target ? target.beforeStatement : target.beforeTime.toISOString()}) in ${files.join(', ')}`,
    );
  const stoppedBefore = after[i]!;
  const lastApplied = i > 0 ? after[i - 1] : undefined;
  const t2 = Date.now();
  let replaySqlBytes = 0;
  if (lastApplied) {
    ctx.progress(
      `${as.name}: replaying ${i} transaction(s) after ${backupPoint} up to ${lastApplied.gtid}, stopping before ${stoppedBefore.gtid}`,
    );
    const sql = await runBinlogTool(ctx, binlogDir, files, `${as.name}-replay.sql`, (f, out) =>
      ctx.adapter.binlog.replay(f, { after: backupPoint, last: lastApplied, next: stoppedBefore }, out),
    );
    replaySqlBytes = (await stat(sql)).size;
    await restored.node.loadSqlFile(sql);
  }
  return {
    node: restored.node,
    stoppedBefore,
    lastApplied,
    transactionsApplied: i,
    replaySqlBytes,
    timings: { restoreMs: t1 - t0, locateMs: t2 - t1, replayMs: Date.now() - t2 },
  };
}
