/**
 * The states a backup location holds (`firedrill snapshot --out`, recorded when a backup was taken or at any other
 * point): the GTID position each was recorded at. A state gives a MySQL clone backup its point (a clone records none
 * in a file), and a recovery point that has one is compared with it after the restore.
 */
import { mariadbGtid, mysqlGtid } from '../core/index.js';

/** A state file of the location and the position it was recorded at. */
export interface ChainState {
  /** Its path, relative to the location. */
  name: string;
  family: 'mariadb' | 'mysql';
  /** The position (gtid_current_pos / gtid_executed; a held replica's applied position first). */
  gtid: string;
  takenAt?: Date;
}

/** `state.json` (the README's layout: beside the backup folder) or `<backup>.state.json`. */
export const isStateName = (name: string) => name === 'state.json' || name.endsWith('.state.json');

/** Reads a state file's position; anything that is not one (another JSON file, a damaged one) is ignored. */
export function stateOf(name: string, text: string): ChainState | undefined {
  let s: { takenAt?: unknown; source?: { family?: unknown }; gtid?: { executed?: unknown; replicaPos?: unknown; heldReplica?: unknown } };
  try {
    s = JSON.parse(text) as typeof s;
  } catch {
    return undefined;
  }
  const family = s.source?.family;
  if (family !== 'mariadb' && family !== 'mysql') return undefined;
  const held = s.gtid?.heldReplica === true && typeof s.gtid.replicaPos === 'string' ? s.gtid.replicaPos : '';
  const gtid = held || (typeof s.gtid?.executed === 'string' ? s.gtid.executed : '');
  if (!gtid) return undefined;
  const takenAt = typeof s.takenAt === 'string' ? new Date(s.takenAt) : undefined;
  return { name, family, gtid, ...(takenAt && !Number.isNaN(takenAt.getTime()) ? { takenAt } : {}) };
}

/** The state recorded with a backup folder: `<folder>.state.json` beside it, else `state.json` in the folder above it. */
export function stateOfBackup(folder: string, states: readonly ChainState[]): ChainState | undefined {
  const parent = folder.includes('/') ? folder.replace(/\/[^/]+$/, '/') : '';
  return states.find((s) => s.name === `${folder}.state.json`) ?? states.find((s) => s.name === `${parent}state.json`);
}

/** The state recorded exactly at a position (the same GTID set), if the location holds one. */
export function stateAt(position: string, family: 'mariadb' | 'mysql', states: readonly ChainState[]): ChainState | undefined {
  const g = family === 'mariadb' ? mariadbGtid : mysqlGtid;
  return states.find((s) => {
    if (s.family !== family) return false;
    try {
      return g.contains(s.gtid, position) && g.contains(position, s.gtid);
    } catch {
      return false;
    }
  });
}
