import { check, type CheckResult, type Difference } from './check.js';

/**
 * How a Galera member restored from a backup at `backupSeqno` caught up, read from its log: it must have recovered
 * that position from the restored datadir, the donor must have bypassed SST ("SST received" at that same position:
 * the joiner starts its SST script in every case), and IST must start at the next seqno. A full SST shows as "SST
 * received" at the donor's position instead.
 */
export function judgeStateTransfer(name: string, log: string, backupSeqno: number): CheckResult {
  const lines = log.split('\n').filter((l) => /Receiving IST: |IST received|Recovered position from storage|SST received: /i.test(l));
  const first = (re: RegExp) => lines.map((l) => re.exec(l)).find(Boolean) ?? undefined;
  const ist = first(/Receiving IST: (\d+) writesets, seqnos (\d+)-(\d+)/);
  const sst = first(/SST received: \S+:(-?\d+)/);
  const recovered = first(/Recovered position from storage: \S+:(-?\d+)/);
  const fullSst = !!sst && Number(sst[1]) !== backupSeqno;
  const observed = {
    joinedBy: fullSst ? 'SST' : ist ? 'IST' : 'none',
    backupSeqno,
    recoveredSeqno: recovered ? Number(recovered[1]) : undefined,
    sstSeqno: sst ? Number(sst[1]) : undefined,
    istWritesets: ist ? Number(ist[1]) : 0,
    istFrom: ist ? Number(ist[2]) : undefined,
    istTo: ist ? Number(ist[3]) : undefined,
    logLines: lines.slice(-6),
  };
  const diffs: Difference[] = [];
  if (fullSst) diffs.push({ database: '*', object: name, kind: 'full-sst-instead-of-ist', expected: backupSeqno, actual: Number(sst![1]) });
  if (!ist) diffs.push({ database: '*', object: name, kind: 'no-ist-seen', actual: lines.slice(-6) });
  else if (Number(ist[2]) !== backupSeqno + 1)
    diffs.push({ database: '*', object: name, kind: 'ist-not-from-backup-position', expected: backupSeqno + 1, actual: Number(ist[2]) });
  return check(`${name}-rejoined-by-ist-from-backup-position`, diffs, observed);
}

/**
 * A member came back through a full state transfer (SST), judged from its log written after the fault only (the
 * setup's own transfers, and donor-side lines, never count): the joiner must report `SST received` at a real
 * position (seqno ≥ 0), and a bypassed SST (IST from a position it recovered) is not a full one.
 */
export function judgeSstRejoin(name: string, logSinceFault: string): CheckResult {
  const lines = logSinceFault.split('\n').filter((l) => /SST received: |Receiving IST: |Recovered position from storage: /i.test(l));
  const sst = lines.map((l) => /SST received: \S+:(-?\d+)/.exec(l)).find(Boolean);
  const recovered = lines.map((l) => /Recovered position from storage: \S+:(-?\d+)/.exec(l)).find(Boolean);
  const ist = lines.map((l) => /Receiving IST: \d+ writesets, seqnos (\d+)-(\d+)/.exec(l)).find(Boolean);
  const diffs: Difference[] = [];
  if (!sst) diffs.push({ database: '*', object: name, kind: 'no-sst-seen', actual: lines.slice(-6) });
  else if (Number(sst[1]) < 0) diffs.push({ database: '*', object: name, kind: 'sst-without-position', actual: sst[0] });
  // A bypassed SST: the joiner kept its own position (recovered = "received") and IST starts right after it. (After a
  // real SST the joiner also logs the received position as recovered, but needs no IST from there.)
  else if (recovered && ist && Number(recovered[1]) === Number(sst[1]) && Number(ist[1]) === Number(sst[1]) + 1) {
    diffs.push({ database: '*', object: name, kind: 'sst-bypassed-ist-used', actual: [sst[0], ist[0]] });
  }
  return check(`${name}-rejoined-by-sst`, diffs, { logLines: lines.slice(-6) });
}

/**
 * A member that was killed and started again rejoined by IST from the position it recovered from its own datadir
 * (`--wsrep-recover`), not by a full SST that copies the whole dataset: judged from its log written since the kill.
 * No recovered position in that log (the member never started, or started from nothing) fails too.
 */
export function judgeIstRejoin(name: string, logSinceFault: string): CheckResult {
  const recovered = /Recovered position from storage: \S+:(-?\d+)/.exec(logSinceFault);
  const seqno = recovered ? Number(recovered[1]) : -1;
  const c = judgeStateTransfer(name, logSinceFault, seqno);
  const { differences, ...observed } = c.details as { differences: Difference[] } & Record<string, unknown>;
  const diffs: Difference[] = [
    ...(recovered
      ? []
      : [{ database: '*', object: name, kind: 'no-recovered-position', actual: 'no "Recovered position from storage" since the fault' }]),
    ...differences.map((d) => (d.kind === 'ist-not-from-backup-position' ? { ...d, kind: 'ist-not-from-recovered-position' } : d)),
  ];
  return check(`${name}-rejoined-by-ist`, diffs, { ...observed, recoveredSeqno: recovered ? seqno : undefined });
}
