import { describe, expect, it } from 'vitest';
import { wayBackHtml } from '../../report/way-back.js';
import { goNoGo, goNoGoMarkdown, type Finding } from './findings.js';
import { wayBackFindings, type WayBack } from './way-back.js';

const verified: WayBack = {
  replication: { exercised: true, from: 'replica-1 (mariadb-11.8)', to: 'primary (mariadb-10.11)', writeUnavailableS: 0.412 },
  restore: {
    node: 'way-back',
    flavor: 'mariadb-10.11',
    artifact: 'mariabackup-backup-replica-1',
    kind: 'physical',
    method: 'mariabackup',
    restoreS: 7.25,
    answeringS: 5.5,
    verified: true,
    backupPoint: '0-1-420',
    writesAfterBackupPoint: 1234,
  },
};
const failed: WayBack = {
  replication: {
    exercised: false,
    from: 'replica-1 (mariadb-11.8)',
    to: 'primary (mariadb-10.11)',
    refused: 'primary does not replicate from replica-1',
  },
  restore: { ...verified.restore, verified: false, restoreS: 9, failures: ['way-back-checksum-table failed'] },
};
const noRollback: Finding = {
  severity: 'blocking',
  source: 'rolling-upgrade',
  kind: 'no-rollback-path',
  where: 'replica-1 -> primary',
  message: 'rollback: not attempted: …; the way back is a restore of the last backup taken on the old version',
};

describe("an upgrade step's way back", () => {
  it('a verified restore adds no finding; the go/no-go page says which way works and how long the restore took', () => {
    const f = wayBackFindings(verified, []);
    expect(f).toEqual([]);
    const md = goNoGoMarkdown(goNoGo(f), 'Pre-upgrade', verified);
    expect(md).toContain('### Way back');
    expect(md).toMatch(/Replication back works: primary \(mariadb-10.11\) took the primary role back .*writes unavailable 0.4 s/);
    expect(md).toMatch(
      /Restore of the pre-upgrade backup works: physical backup mariabackup-backup-replica-1 .* onto mariadb-10.11 as way-back in 7.3 s/,
    );
    expect(md).toMatch(/writes acknowledged after it \(1234 when it was verified\) are not in it/);
    // without a measured way back (an older result), no section
    expect(goNoGoMarkdown(goNoGo(f))).not.toContain('Way back');
  });

  it('a restore that does not verify blocks: the verdict is no-go and the page says it failed', () => {
    const f = wayBackFindings(failed, []);
    expect(f.map((x) => [x.severity, x.source, x.kind])).toEqual([['blocking', 'way-back', 'way-back-restore-failed']]);
    expect(f[0]!.message).toMatch(/way-back-checksum-table failed; replication back is refused too: no way back/);
    expect(goNoGo(f).verdict).toBe('no-go');
    const md = goNoGoMarkdown(goNoGo(f), 'Pre-upgrade', failed);
    expect(md).toMatch(/Replication back does not work: primary does not replicate from replica-1/);
    expect(md).toMatch(/Restore of the pre-upgrade backup FAILED: .*way-back-checksum-table failed/);
    expect(md).not.toMatch(/this way's RPO/);
  });

  it('replication refused, restore verified: the no-rollback-path finding names the measured restore time', () => {
    const f = wayBackFindings({ ...verified, replication: failed.replication }, [noRollback]);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(
      /the way back is a restore of the last backup taken on the old version: measured here, mariabackup-backup-replica-1 restored onto mariadb-10.11 and verified in 7.3 s \(back to GTID 0-1-420\)$/,
    );
    expect(goNoGo(f).verdict).toBe('no-go'); // still blocking: no rollback by replication
    const g = wayBackFindings(failed, [noRollback]);
    expect(g.map((x) => x.kind)).toEqual(['no-rollback-path', 'way-back-restore-failed']);
    expect(g[0]!.message).toMatch(/and that restore failed here: the DBA has no way back$/);
  });

  it('the HTML go/no-go page has a Way back section with the restore time', () => {
    const esc = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const html = wayBackHtml({ 'way back': verified }, esc);
    expect(html).toContain('data-way-back="restore-verified"');
    expect(html).toContain('data-restore-s="7.25"');
    expect(html).toMatch(/WORKS<\/span> Restore of the pre-upgrade backup works/);
    expect(wayBackHtml({ 'way back': failed }, esc)).toMatch(
      /data-way-back="restore-failed"[\s\S]*DOES NOT WORK<\/span> Restore of the pre-upgrade backup FAILED/,
    );
    expect(wayBackHtml({}, esc)).toBe('');
  });
});
