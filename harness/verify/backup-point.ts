import type { GtidAlgebra } from '../core/index.js';
import { check, type CheckResult } from './check.js';
import { gtidPositionsEqual } from './gtid.js';

export interface BackupPoint {
  gtid: string;
  snapshotGtid: string;
  readFrom?: string;
}

/**
 * The artifact's own point (read from the artifact: slave info, the dump's position line, grastate + the position
 * after the copy) equals the point at which the pre-backup snapshot was taken: only then does the snapshot describe
 * the artifact. `galera` compares Galera positions (state uuid:seqno) as they are.
 */
export function backupPointEqualsSnapshot(
  algebra: GtidAlgebra | 'galera',
  p: BackupPoint,
  name = 'backup-point-equals-snapshot-point',
): CheckResult {
  const c =
    algebra === 'galera'
      ? check(
          name,
          p.gtid === p.snapshotGtid
            ? []
            : [{ database: '*', object: 'galera position', kind: 'backup-point-differs', expected: p.snapshotGtid, actual: p.gtid }],
        )
      : gtidPositionsEqual(algebra, p.snapshotGtid, p.gtid, name);
  return {
    ...c,
    details: { ...c.details, snapshotPoint: p.snapshotGtid, backupPoint: p.gtid, backupPointReadFrom: p.readFrom ?? '(not recorded)' },
  };
}
