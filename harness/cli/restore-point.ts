import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { keyIfGiven, loadKey } from '../backup/index.js';
import type { ObjectStore } from '../backup/object-store.js';
import { PACKAGE_SUFFIX } from '../backup/package.js';
import { FLAVORS, mariadbGtid, mysqlGtid, UsageError, type FlavorId } from '../core/index.js';
import { analyseChain, type ChainReport } from '../restore/chain.js';
import { stateAt } from '../restore/chain-states.js';
import { pickRecoveryPoint, type RecoveryPoint } from '../restore/recovery-point.js';
import type { RestoreTestOutcome } from '../restore/restore-test.js';
import { check, parseState, type RecordedState } from '../verify/index.js';
import { packageLines } from './chain-verify.js';

/** What restore-test restores for `--point`: the window's backups and binlog folder as locations, and the GTID. */
export interface PointPlan {
  point: RecoveryPoint;
  artifact: string;
  incrementals: string[];
  binlogs?: string;
  until?: { gtid: string };
  /** The server's whole position at the point. */
  position?: string;
  /** Where the chain breaks (the point is picked among what is still restorable; the breaks fail the test). */
  breaks: ChainReport['breaks'];
  /** The state the location holds for exactly that position, when it holds one: the restore is compared with it. */
  state?: { name: string; text: string };
}

/** Where a backup of the location is: a folder (`s3://…/name/` on a store), or one file (a package). */
export const under = (location: string, rel: string) =>
  location.startsWith('s3://')
    ? `${location.replace(/\/?$/, '/')}${rel === '.' ? '' : rel.endsWith(PACKAGE_SUFFIX) ? rel : `${rel}/`}`
    : join(location, rel);

/**
 * Picks a point of a location's recovery windows (`random`, seeded: the seed is printed and `--seed` replays it; or
 * `newest`) and says what to restore for it. A location with nothing restorable is a broken backup system.
 */
export async function planPoint(
  location: string,
  how: string,
  seedText: string | undefined,
  store: ObjectStore | undefined,
  say: (m: string) => void,
): Promise<PointPlan> {
  if (how !== 'random' && how !== 'newest') throw new UsageError(`--point ${how}: give random or newest`);
  if (seedText !== undefined && !/^\d{1,10}$/.test(seedText)) throw new UsageError(`--seed ${seedText}: a whole number`);
  const seed = seedText !== undefined ? Number(seedText) : randomInt(2 ** 31);
  const { familyOfLocation, readLocationFile, scanLocation } = await import('../restore/chain-scan.js'); // the S3 client: only when used
  const key = await keyIfGiven();
  const s = await scanLocation(location, store, key);
  const family = familyOfLocation(s);
  const report = analyseChain(family, s.backups, s.binlogs, { now: Date.now() });
  for (const line of packageLines(s.packages)) say(`chain:${line.slice(1)}`);
  for (const b of report.breaks) say(`chain: ${b.kind} at ${b.where}: ${b.detail}`);
  const point = pickRecoveryPoint(report.windows, how, seed);
  if (!point) throw new NoRecoveryPointError(`${location}: no recovery window (no full backup whose chain is whole)`);
  // a package is restored with its key: without one, bad input (exit 2) before anything starts
  if (point.window.backups[0]!.endsWith(PACKAGE_SUFFIX) && !key) await loadKey();
  say(
    `point ${how}${how === 'random' ? ` (seed ${seed}; --seed ${seed} picks it again)` : ''}: ${point.window.backups.join(' + ')}${point.gtid ? `, then the binlogs up to ${point.gtid}` : ' (its own point)'}`,
  );
  const [full, ...incs] = point.window.backups;
  const position = positionAt(family, point);
  const st = position ? stateAt(position, family, s.states) : undefined;
  if (st) say(`point ${position}: compared with the state ${st.name} recorded there`);
  return {
    point,
    artifact: under(location, full!),
    incrementals: incs.map((i) => under(location, i)),
    ...(point.gtid && point.window.binlogFolder
      ? { binlogs: under(location, point.window.binlogFolder), until: { gtid: point.gtid } }
      : {}),
    ...(position ? { position } : {}),
    breaks: report.breaks,
    ...(st ? { state: { name: st.name, text: await readLocationFile(location, st.name, store) } } : {}),
  };
}

/** The server's whole GTID position at a point: the backup's, advanced through every transaction replayed up to it. */
function positionAt(family: 'mariadb' | 'mysql', p: RecoveryPoint): string | undefined {
  const g = family === 'mariadb' ? mariadbGtid : mysqlGtid;
  const w = p.window;
  if (!w.from.gtid) return undefined;
  const upTo = p.gtid ? w.gtids.indexOf(p.gtid) + 1 : 0;
  return w.gtids.slice(0, upTo).reduce((pos, x) => g.advance(pos, x), w.from.gtid);
}

/** The state recorded at the point, to compare the restored server with (a damaged one is bad input: exit 2). */
export function stateOfPlan(plan: PointPlan): RecordedState | undefined {
  if (!plan.state) return undefined;
  try {
    return parseState(plan.state.text);
  } catch (e) {
    throw new UsageError(`${plan.state.name}: ${(e as Error).message}`);
  }
}

/** The location holds nothing that can be restored: the backup system is broken (exit 1). */
export class NoRecoveryPointError extends Error {}

/**
 * chain-continuous: a break anywhere in the location's chain fails the night (exit 1, named), also when the point
 * picked lies before it and restores.
 */
export const chainCheck = (plan: PointPlan) =>
  check(
    'chain-continuous',
    plan.breaks.map((b) => ({ database: '*', object: b.where, kind: b.kind, actual: b.detail })),
    { breaks: plan.breaks.length },
  );

/**
 * recovery-point: the restored server's position is the point, exactly: it holds the point's GTID (or the backup's
 * own position) and not the transaction after it.
 */
export function checkPoint(outcome: RestoreTestOutcome, plan: PointPlan, flavor: FlavorId): void {
  const g = FLAVORS[flavor].family === 'mariadb' ? mariadbGtid : mysqlGtid;
  const at = outcome.gtid ?? '';
  const w = plan.point.window;
  const target = plan.point.gtid ?? w.from.gtid;
  const next = plan.point.gtid ? w.gtids[w.gtids.indexOf(plan.point.gtid) + 1] : w.gtids[0];
  const problems: string[] = [];
  try {
    if (!target) problems.push('the backup records no GTID position: the point cannot be checked');
    else if (!at || !g.contains(at, target)) problems.push(`the restored position ${at || '(none)'} lacks ${target}`);
    if (next && at && g.contains(at, next)) problems.push(`the restored position ${at} goes past the point: it holds ${next}`);
  } catch (e) {
    problems.push(`positions not comparable: ${(e as Error).message}`);
  }
  outcome.checks.push(
    check(
      'recovery-point',
      problems.map((p) => ({ database: '*', object: 'gtid', kind: 'not-at-point', expected: target, actual: p })),
      { point: target, seed: plan.point.seed, backups: w.backups, restoredGtid: at },
    ),
  );
  outcome.observations['recoveryPoint'] = {
    seed: plan.point.seed,
    backups: w.backups,
    gtid: plan.point.gtid,
    position: plan.position,
    comparedWith: plan.state?.name,
    window: { from: w.from, to: w.to },
  };
}
