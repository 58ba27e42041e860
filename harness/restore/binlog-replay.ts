/**
 * The one binlog replay of firedrill (point-in-time recovery in drills, `restore-test --binlogs`): decode the archive
 * with the flavor's binlog tool, keep the transactions after the backup's GTID position, find where to stop, have the
 * tool write the SQL of that range (original GTIDs kept) and feed it to the restored server's client. The tools run in
 * one-shot containers with the archive mounted read-only; what they write goes to a private work folder (0700).
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { eventTime, parseBinlogTextFile, type BinlogTransaction } from '../backup/index.js';
import type { TopologyContext } from '../runtime/context.js';
import type { StartedNode } from '../runtime/node.js';
import { oneShot } from '../runtime/oneshot.js';

const ARCHIVE = '/binlogs';
const WORK = '/work';

/** Binlog files (`name.000001` …, in order) in a folder of the host. */
export interface BinlogArchive {
  dir: string;
  files: readonly string[];
}

/**
 * Where a replay stops: through a GTID (applied), before the first transaction written at or after a time (binlog
 * times have one-second granularity: that whole second is left out), or before the first transaction with a statement.
 */
export type ReplayStop = { throughGtid: string } | { beforeTime: Date } | { beforeStatement: RegExp };

/** The stop names a GTID that is not in the archive after the backup point. */
export class ReplayStopNotFoundError extends Error {}

/** The transactions to apply: those after the backup point up to the stop, and the one the replay stops before. */
export interface ReplayRange {
  /** Every transaction after the backup point, in binlog order. */
  after: BinlogTransaction[];
  applied: BinlogTransaction[];
  stoppedBefore?: BinlogTransaction;
}

export const describeStop = (s: ReplayStop): string =>
  'throughGtid' in s ? s.throughGtid : 'beforeTime' in s ? s.beforeTime.toISOString() : String(s.beforeStatement);

/** Picks the range of a decoded archive to replay onto a backup at `backupPoint` ('' = the backup records none). */
export function replayRange(
  all: readonly BinlogTransaction[],
  backupPoint: string,
  stop: ReplayStop,
  contains: (set: string, gtid: string) => boolean,
): ReplayRange {
  const after = backupPoint ? all.filter((t) => !contains(backupPoint, t.gtid)) : [...all];
  if ('throughGtid' in stop) {
    const i = after.findIndex((t) => t.gtid === stop.throughGtid);
    if (i < 0) {
      if (backupPoint && contains(backupPoint, stop.throughGtid))
        throw new ReplayStopNotFoundError(
          `${stop.throughGtid} is already in the backup (its position is ${backupPoint}): nothing to replay up to it`,
        );
      throw new ReplayStopNotFoundError(
        `${stop.throughGtid}: no such transaction after the backup point ${backupPoint || '(none)'} (the archive has a gap or ends before it)`,
      );
    }
    return { after, applied: after.slice(0, i + 1), stoppedBefore: after[i + 1] };
  }
  const i =
    'beforeTime' in stop
      ? after.findIndex((t) => eventTime(t.at) >= stop.beforeTime.getTime())
      : after.findIndex((t) => t.statements.some((s) => stop.beforeStatement.test(s)));
  const upTo = i < 0 ? after.length : i;
  return { after, applied: after.slice(0, upTo), stoppedBefore: i < 0 ? undefined : after[i] };
}

export interface ReplayResult extends ReplayRange {
  /** Bytes of the SQL the tool wrote for the range (0: nothing to apply). */
  replaySqlBytes: number;
  locateMs: number;
  replayMs: number;
}

/** How the SQL reaches the server: its in-container client (with the option file it needs) and a deadline. */
export interface ReplayClient {
  argv: readonly string[];
  timeoutMs: number;
}

/**
 * Replays an archive onto a restored server. `label` names the one-shot containers; `work` is a folder of the run
 * (created 0700); `check` sees the range before anything is applied (a caller that needs a stop throws there).
 * A client that refuses the SQL throws the client's ExecError.
 */
export async function replayBinlogs(
  ctx: TopologyContext,
  node: StartedNode,
  o: {
    archive: BinlogArchive;
    backupPoint: string;
    stop: ReplayStop;
    label: string;
    work: string;
    client: ReplayClient;
    check?: (r: ReplayRange) => void;
  },
): Promise<ReplayResult> {
  await mkdir(o.work, { recursive: true, mode: 0o700 });
  const tool = async (out: string, argv: (files: string[], resultFile: string) => string[]) => {
    await oneShot(ctx, {
      name: `${o.label}-${out.replace(/\.\w+$/, '')}`,
      argv: argv(
        o.archive.files.map((f) => `${ARCHIVE}/${f}`),
        `${WORK}/${out}`,
      ),
      mounts: [
        { source: o.archive.dir, target: ARCHIVE, readOnly: true },
        { source: o.work, target: WORK },
      ],
    });
    return join(o.work, out);
  };
  const t0 = Date.now();
  const decoded = await tool('binlog-decode.txt', (f, out) => ctx.adapter.binlog.decode(f, out));
  const range = replayRange(await parseBinlogTextFile(decoded, o.archive.files), o.backupPoint, o.stop, (s, g) =>
    ctx.adapter.gtid.contains(s, g),
  );
  o.check?.(range);
  const t1 = Date.now();
  const [first, last] = [range.applied[0], range.applied.at(-1)];
  let replaySqlBytes = 0;
  if (first && last) {
    ctx.progress(
      `${node.name}: replaying ${range.applied.length} transaction(s) after ${o.backupPoint || '(no position)'} up to ${last.gtid}${range.stoppedBefore ? `, stopping before ${range.stoppedBefore.gtid}` : ''}`,
    );
    const sql = await tool('binlog-replay.sql', (f, out) =>
      ctx.adapter.binlog.replay(f, { after: o.backupPoint, first, last, next: range.stoppedBefore }, out),
    );
    replaySqlBytes = (await stat(sql)).size;
    await node.container.exec(o.client.argv, { inputFile: sql, timeoutMs: o.client.timeoutMs });
  }
  return { ...range, replaySqlBytes, locateMs: t1 - t0, replayMs: Date.now() - t1 };
}
