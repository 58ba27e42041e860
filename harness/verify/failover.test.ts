import { describe, expect, it } from 'vitest';
import { mariadbGtid, mysqlGtid } from '../core/index.js';
import { Ledger, type LedgerEntry } from '../workload/index.js';
import {
  errantNamed,
  fenced,
  ledgerAfterFailover,
  lostToUnwrittenRedo,
  oneWritablePrimary,
  promotedHeldEverything,
  rejoinAllowed,
  replicasFollow,
  semiSyncKeptItsPromise,
} from './failover.js';

const acked = (id: number, doneAt: number): LedgerEntry => ({ id, writer: 1, sentAt: doneAt - 1, doneAt, outcome: 'acked' });
const U = '3e11fa47-71ca-11e1-9e33-c80aa9429562';

describe('after a failover', () => {
  it('exactly one writable node, the promoted one', () => {
    expect(
      oneWritablePrimary('r1', [
        { node: 'r1', readOnly: false },
        { node: 'r2', readOnly: true },
        { node: 'p', readOnly: null },
      ]).valid,
    ).toBe(true);
    const two = oneWritablePrimary('r1', [
      { node: 'r1', readOnly: false },
      { node: 'r2', readOnly: false },
    ]);
    expect(two.valid).toBe(false);
    expect(two.details['differences']).toEqual([expect.objectContaining({ object: 'r2', kind: 'second-writable-node' })]);
    expect(oneWritablePrimary('r1', [{ node: 'r1', readOnly: true }]).valid).toBe(false);
  });
  it('every replica replicates from the new primary, running and caught up', () => {
    const ok = { node: 'r2', sourceHost: 'r1', ioRunning: 'Yes', sqlRunning: 'Yes', error: '', caughtUp: true };
    expect(replicasFollow('r1', [ok]).valid).toBe(true);
    const bad = replicasFollow('r1', [
      { ...ok, sourceHost: 'primary' },
      { ...ok, node: 'r3', sqlRunning: 'No', caughtUp: false, error: 'dup key' },
    ]);
    expect((bad.details['differences'] as Array<{ kind: string }>).map((d) => d.kind)).toEqual([
      'replicates-from-another-source',
      'replication-not-running',
      'did-not-catch-up',
    ]);
  });
  it('the wrong (lagging) replica promoted: a more advanced one existed, and what it held is named', () => {
    const c = promotedHeldEverything(mysqlGtid, 'delayed', `${U}:1-60,aaaaaaaa-0000-0000-0000-000000000001:1-5`, [
      { node: 'r1', executed: `${U}:1-100` },
      { node: 'delayed', executed: `${U}:1-60` },
    ]);
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([
      expect.objectContaining({ kind: 'a-more-advanced-replica-existed', where: 'r1', lacking: `${U}:61-100` }),
    ]);
    // MariaDB: the promoted node's later writes (server 2) must not hide that it lacks server 1's 61-100
    expect(promotedHeldEverything(mariadbGtid, 'r1', '0-1-60,0-2-150', [{ node: 'r2', executed: '0-1-100' }]).valid).toBe(false);
    expect(promotedHeldEverything(mariadbGtid, 'r1', '0-1-100,1-2-5', [{ node: 'r2', executed: '0-1-100' }]).valid).toBe(true);
  });
  it('the old primary: divergent writes must be found by GTID algebra, as its own transactions', () => {
    expect(errantNamed('p', { errant: '0-1-905', writers: ['1'] }, '1', [901, 902]).valid).toBe(true);
    expect(errantNamed('p', { errant: '', writers: [] }, '1', []).valid).toBe(true);
    const missed = errantNamed('p', { errant: '', writers: [] }, '1', [901]);
    expect(missed.valid).toBe(false);
    expect(missed.details['differences']).toEqual([expect.objectContaining({ kind: 'divergent-writes-not-found-by-gtid' })]);
    expect(errantNamed('p', { errant: '0-7-3', writers: ['7'] }, '1', []).valid).toBe(false);
  });
  it('fenced means read-only and replicating from nowhere; a rejoin on divergent history is refused', () => {
    expect(fenced('p', { readOnly: true, replicationChannels: 0 }).valid).toBe(true);
    expect(fenced('p', { readOnly: false, replicationChannels: 0 }).valid).toBe(false);
    expect(rejoinAllowed('p', '').valid).toBe(true);
    const r = rejoinAllowed('p', '0-1-905');
    expect(r.valid).toBe(false);
    expect(r.details['differences']).toEqual([
      expect.objectContaining({ kind: 'would-replicate-on-top-of-divergent-history', where: '0-1-905' }),
    ]);
  });
});

describe('semi-sync kept its promise', () => {
  const samples = [
    { at: 0, on: true, node: 'p' },
    { at: 100, on: true, node: 'p' },
    { at: 200, on: false, node: 'p' },
    { at: 300, on: false, node: 'p' },
  ];
  it('a write lost while the primary said semi-sync ON fails, with its id and time', () => {
    const c = semiSyncKeptItsPromise([acked(7, 50)], samples);
    expect(c.valid).toBe(false);
    expect(c.details['lostWhileOn']).toEqual([7]);
    expect(c.details['fallbacksToAsync']).toEqual([new Date(200).toISOString()]);
  });
  it('writes lost after the fallback to async (or across it) are named apart, not failures', () => {
    const c = semiSyncKeptItsPromise([acked(8, 150), acked(9, 250), acked(10, 400)], samples);
    expect(c.valid).toBe(true);
    expect(c.details['lostAfterFallback']).toEqual([8, 9, 10]);
  });
  it('a write after the last sample inherits it (the primary died saying ON)', () => {
    expect(semiSyncKeptItsPromise([acked(1, 500)], [{ at: 0, on: true, node: 'p' }]).valid).toBe(false);
  });
});

describe('the ledger after a failover', () => {
  it('allows exactly the writes only the old primary holds; any other loss fails, named', async () => {
    const l = new Ledger();
    for (let i = 1; i <= 5; i++) l.record(acked(i, i * 10));
    expect(ledgerAfterFailover('r1-ledger', l, [1, 2, 3], [4, 5]).valid).toBe(true);
    const beyond = ledgerAfterFailover('r1-ledger', l, [1, 2], [4, 5]);
    expect(beyond.valid).toBe(false);
    expect(beyond.details['differences']).toEqual([expect.objectContaining({ kind: 'acknowledged-write-lost', where: 'id 3' })]);
    expect(ledgerAfterFailover('r1-ledger', l, [1, 2, 3, 4, 5, 9], []).valid).toBe(false);
  });
});

describe('writes a killed primary lost with its redo log unwritten (innodb_flush_log_at_trx_commit=0)', () => {
  const entries = [1, 2, 3, 4, 5, 6].map((i) => acked(i, i * 1000));
  it('only acknowledged writes on neither primary, acknowledged within the window before the kill', () => {
    const on = { oldPrimary: new Set([1, 2, 3]), newPrimary: new Set([1, 2]) };
    // 4, 5, 6 are on neither; the kill at 6000 with a 2 s window explains 4..6, not earlier ones
    expect(lostToUnwrittenRedo(entries, on, 6000, 2000)).toEqual([4, 5, 6]);
    expect(lostToUnwrittenRedo(entries, on, 6000, 1500)).toEqual([5, 6]);
  });
  it('a write the old primary still holds, or one acknowledged after the kill, is not explained by it', () => {
    const on = { oldPrimary: new Set([1, 2, 3, 4, 5, 6]), newPrimary: new Set([1]) };
    expect(lostToUnwrittenRedo(entries, on, 6000, 10_000)).toEqual([]);
    expect(lostToUnwrittenRedo(entries, { oldPrimary: new Set(), newPrimary: new Set() }, 3000, 1000)).toEqual([2, 3]);
  });
});
