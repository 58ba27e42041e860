import { describe, expect, it } from 'vitest';
import { judgeIstRejoin, judgeSstRejoin, judgeStateTransfer } from './state-transfer.js';

// Lines from real MariaDB 11.8 joiner logs (galera-snapshot-rebuild and galera-datadir-wiped drills).
const U = '8b50a54f-e63f-11f1-9eee-cad6143f0b01';
const byIst = [
  `2026-11-22  6:41:33 0 [Note] WSREP: Running: 'wsrep_sst_rsync --role 'joiner' --address '172.30.133.13'`,
  `2026-11-22  6:40:32 3 [Note] WSREP: Recovered position from storage: ${U}:297`,
  `2026-11-22  6:40:32 3 [Note] WSREP: SST received: ${U}:297`,
  '2026-11-22  6:40:32 2 [Note] WSREP: Receiving IST: 1181 writesets, seqnos 298-1478',
  `2026-11-22  6:40:33 2 [Note] WSREP: IST received: ${U}:1478`,
].join('\n');

describe('judgeStateTransfer', () => {
  it("accepts a rejoin by IST from the backup's position, though the SST script was started", () => {
    const c = judgeStateTransfer('galera-3', byIst, 297);
    expect(c.valid).toBe(true);
    expect(c.details).toMatchObject({ joinedBy: 'IST', recoveredSeqno: 297, istFrom: 298, istTo: 1478, istWritesets: 1181 });
  });

  it("fails on a full SST (the donor's position arrived, no IST)", () => {
    const sst = [
      `2026-11-22  6:40:32 3 [Note] WSREP: SST received: ${U}:1478`,
      `2026-11-22  6:40:32 3 [Note] WSREP: SST succeeded for position ${U}:1478`,
    ].join('\n');
    const c = judgeStateTransfer('galera-1', sst, 297);
    expect(c.valid).toBe(false);
    expect((c.details['differences'] as Array<{ kind: string }>).map((d) => d.kind)).toEqual(['full-sst-instead-of-ist', 'no-ist-seen']);
  });

  it("fails when IST did not start right after the backup (the restored datadir was not at the backup's position)", () => {
    const c = judgeStateTransfer('galera-3', byIst, 250);
    expect(c.valid).toBe(false);
    expect(JSON.stringify(c.details['differences'])).toContain('ist-not-from-backup-position');
  });
});

describe('judgeSstRejoin (reads only the log written after the fault)', () => {
  // From a real galera-datadir-wiped run on MariaDB 10.11 (mariabackup SST): the received position is also logged as recovered.
  const fullSst = [
    '2026-11-29  7:26:33 3 [Note] WSREP: Recovered position from storage: f7762f92-ebc5-11f1-b0bc-76bc012e16f8:2241',
    '2026-11-29  7:26:33 3 [Note] WSREP: SST received: f7762f92-ebc5-11f1-b0bc-76bc012e16f8:2241',
  ].join('\n');
  it('passes when the joiner received a full SST after the fault', () => {
    expect(judgeSstRejoin('galera-1', fullSst).valid).toBe(true);
  });
  it("fails on a log without a joiner-side SST (e.g. only the setup's donor lines, or nothing since the fault)", () => {
    const donorOnly = '2026-11-22  6:30:02 0 [Note] WSREP: 0.0 (galera-1): State transfer to 1.0 (galera-2) complete.';
    for (const log of [donorOnly, '']) {
      const c = judgeSstRejoin('galera-1', log);
      expect(c.valid).toBe(false);
      expect(JSON.stringify(c.details['differences'])).toContain('no-sst-seen');
    }
  });
  it('fails when the SST was bypassed and the member joined by IST from its own recovered position', () => {
    const c = judgeSstRejoin('galera-3', byIst);
    expect(c.valid).toBe(false);
    expect(JSON.stringify(c.details['differences'])).toContain('sst-bypassed-ist-used');
  });
});

describe('judgeIstRejoin (a killed member started again, from its log since the kill)', () => {
  it('passes when it recovered its position and received IST from the next seqno', () => {
    const c = judgeIstRejoin('galera-1', byIst);
    expect(c.name).toBe('galera-1-rejoined-by-ist');
    expect(c.valid).toBe(true);
    expect(c.details).toMatchObject({ joinedBy: 'IST', recoveredSeqno: 297, istFrom: 298 });
  });
  it('fails on a full SST: the whole dataset copied again though the member had its datadir', () => {
    const sst = [
      `2026-11-22  6:40:32 3 [Note] WSREP: Recovered position from storage: ${U}:297`,
      `2026-11-22  6:40:32 3 [Note] WSREP: SST received: ${U}:1478`,
    ].join('\n');
    const c = judgeIstRejoin('galera-1', sst);
    expect(c.valid).toBe(false);
    expect((c.details['differences'] as Array<{ kind: string }>).map((d) => d.kind)).toEqual(['full-sst-instead-of-ist', 'no-ist-seen']);
  });
  it('fails when IST did not start right after the recovered position, or nothing was recovered since the kill', () => {
    const skipped = byIst.replace('seqnos 298-1478', 'seqnos 310-1478');
    expect(JSON.stringify(judgeIstRejoin('galera-1', skipped).details['differences'])).toContain('ist-not-from-recovered-position');
    const none = judgeIstRejoin('galera-1', '');
    expect(none.valid).toBe(false);
    expect((none.details['differences'] as Array<{ kind: string }>).map((d) => d.kind)).toEqual(['no-recovered-position', 'no-ist-seen']);
  });
});
