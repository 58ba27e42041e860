import type { RecoveryWindow } from './chain.js';
import { seeded } from '../core/index.js';

/** A point to restore: a window's backups, then (when after the backup) its binlogs replayed up to a GTID, included. */
export interface RecoveryPoint {
  window: RecoveryWindow;
  /** The last transaction to replay; none: the backup's own point. */
  gtid?: string;
  seed?: number;
}

/**
 * Picks a point inside the recovery windows: `newest` the last point of the window reaching furthest (of those reaching
 * as far, the one with the newest backups: the least replay, the way a person would restore it); `random` one of
 * every restorable point (each backup's own point and each GTID after it), uniformly, so over many nights every part
 * of the chain is restored.
 */
export function pickRecoveryPoint(windows: readonly RecoveryWindow[], how: 'newest' | 'random', seed: number): RecoveryPoint | undefined {
  if (!windows.length) return undefined;
  if (how === 'newest') {
    const w = [...windows]
      .sort((a, b) => Date.parse(a.to.time ?? '') - Date.parse(b.to.time ?? '') || b.gtids.length - a.gtids.length)
      .at(-1)!;
    return { window: w, ...(w.gtids.length ? { gtid: w.gtids.at(-1)! } : {}) };
  }
  const points = windows.flatMap((w) => [{ window: w } as RecoveryPoint, ...w.gtids.map((gtid) => ({ window: w, gtid }))]);
  return { ...points[Math.floor(seeded(seed)() * points.length)]!, seed };
}
