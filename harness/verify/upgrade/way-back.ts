import type { Finding } from './finding.js';

/**
 * An upgrade step's way back, as the drill exercised it: replication from the new version to the old one (the
 * rollback switchover), and the pre-upgrade backup (taken on the old version) restored onto a fresh old-version node,
 * verified, with the restore's wall-clock time measured. Built from measurements only; rendered on the go/no-go page.
 */
export interface WayBack {
  replication: {
    exercised: boolean;
    /** The new-version primary the old version replicated from, and the old-version node that took the role back. */
    from: string;
    to: string;
    /** The rollback's write-unavailability window (ledger), when it was exercised. */
    writeUnavailableS?: number;
    /** Why it was not exercised (the old version refused to replicate from the new one, or the rollback did not run). */
    refused?: string;
  };
  restore: {
    node: string;
    flavor: string;
    artifact: string;
    /** The artifact's kind ('physical', 'logical') and method (mariabackup, ...). */
    kind: string;
    method: string;
    /** Wall clock from the start of the restore until the server answered and its verification ended. */
    restoreS?: number;
    /** Until the restored server answered (artifact verified, copied back, server started). */
    answeringS?: number;
    /** The restore's own parts (ms): the artifact's files checked, copied back, the server started until it answered. */
    timings?: { verifyArtifactMs: number; copyBackMs: number; startMs: number };
    verified: boolean;
    /** The failed verification checks, or the error that stopped the restore. */
    failures?: string[];
    /** The GTID the backup holds: this way back returns to it. */
    backupPoint: string;
    /** Acknowledged writes the restored server lacks when it was verified (the RPO of this way back, measured then). */
    writesAfterBackupPoint?: number;
  };
}

const s = (x: number | undefined) => (x === undefined ? '?' : `${x.toFixed(1)} s`);

/** What a DBA reads: which way back works, and how long the restore took. */
export function wayBackLines(w: WayBack): string[] {
  const r = w.replication;
  const replication = r.exercised
    ? `Replication back works: ${r.to} took the primary role back from ${r.from} (old version replicating from the new one; writes unavailable ${s(r.writeUnavailableS)}).`
    : `Replication back does not work: ${r.refused ?? `${r.to} does not replicate from ${r.from}`}.`;
  const x = w.restore;
  const restore = x.verified
    ? `Restore of the pre-upgrade backup works: ${x.kind} backup ${x.artifact} (${x.method}, GTID ${x.backupPoint}) restored onto ${x.flavor} as ${x.node} in ${s(x.restoreS)} (answering after ${s(x.answeringS)}), verified (CHECK TABLE, checksums and objects equal the backup's snapshot).`
    : `Restore of the pre-upgrade backup FAILED: ${x.kind} backup ${x.artifact} onto ${x.flavor} as ${x.node}: ${(x.failures ?? ['not verified']).join('; ')}.`;
  const rpo = `It returns to the backup's point: the writes acknowledged after it (${x.writesAfterBackupPoint ?? '?'} when it was verified) are not in it; they exist only in the binary logs (after the switchover, the new version's) or are lost: that is this way's RPO.`;
  return [replication, restore, ...(x.verified ? [rpo] : [])];
}

/**
 * The findings the way back adds: a restore that failed or did not verify blocks (the DBA has no way back when
 * replication is refused too, and no tested one otherwise); a `no-rollback-path` finding names the measured restore.
 */
export function wayBackFindings(w: WayBack, findings: readonly Finding[]): Finding[] {
  const x = w.restore;
  const out = findings.map((f) =>
    f.kind === 'no-rollback-path'
      ? {
          ...f,
          message: x.verified
            ? `${f.message}: measured here, ${x.artifact} restored onto ${x.flavor} and verified in ${s(x.restoreS)} (back to GTID ${x.backupPoint})`
            : `${f.message}, and that restore failed here: the DBA has no way back`,
        }
      : f,
  );
  if (!x.verified)
    out.push({
      severity: 'blocking',
      source: 'way-back',
      kind: 'way-back-restore-failed',
      where: `${x.artifact} -> ${x.node} (${x.flavor})`,
      message: `the pre-upgrade backup ${x.artifact} does not restore onto ${x.flavor}: ${(x.failures ?? ['not verified']).join('; ')}${w.replication.exercised ? '' : '; replication back is refused too: no way back'}`,
    });
  return out;
}

/** The way back as a Markdown section of the go/no-go page (summary.md, the terminal). */
export const wayBackMarkdown = (w: WayBack): string => ['### Way back', '', ...wayBackLines(w).map((l) => `- ${l}`), ''].join('\n');
