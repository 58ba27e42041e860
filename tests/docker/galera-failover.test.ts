// galera-write-node-failover once, on MariaDB 10.11 (every MariaDB flavor, and its negative drill with a planted lost
// write, run nightly: tests/nightly/failover.test.ts).
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../../harness/runtime/index.js';
import { cli, leftovers } from './helpers.js';

const SHOP = resolve(projectRoot, 'fixtures/datasets/shop/shop.sql');

type Result = {
  verdict: string;
  runId: string;
  rpo: { lostAcknowledgedWrites: number; node: string; indeterminate: number };
  checks: Array<{ name: string; valid: boolean; details: Record<string, unknown> }>;
  observations: Record<string, Record<string, any>>;
};

it('the write node SIGKILLed: the clients move to a survivor, no acknowledged write lost, the window and RTO split measured; it rejoins by IST', async () => {
  const r = await cli(['run', 'galera-write-node-failover', '--flavor', 'mariadb-10.11', '--dataset', SHOP, '--json']);
  const result = JSON.parse(r.stdout) as Result;
  expect(result.verdict, r.stderr.slice(-3000)).toBe('pass');
  expect(r.code).toBe(0);
  const f = result.observations['failover']!;
  // the clients wrote to galera-1 alone, then (nothing writable between) to the member the failover chose
  expect(f['failed']).toBe('galera-1');
  expect(['galera-2', 'galera-3']).toContain(f['promoted']);
  expect(f['routes'].map((x: { writable: string[] }) => x.writable)).toEqual([['galera-1'], [], [f['promoted']]]);
  // the RPO is judged on the final write node, and the ledger on every member
  expect(result.rpo).toMatchObject({ lostAcknowledgedWrites: 0, node: f['promoted'] });
  for (const m of ['galera-1', 'galera-2', 'galera-3']) expect(result.checks.find((c) => c.name === `${m}-ledger`)?.valid, m).toBe(true);
  // the window spans the kill, and each RTO phase is measured (the total is at least their sum up to the first write)
  expect(f['writeUnavailableMs']).toBeGreaterThan(0);
  expect(f['writeUnavailableMs']).toBeLessThan(60_000);
  const rto = f['rto'] as Record<string, number>;
  for (const k of ['detectionMs', 'promotionMs', 'repointMs', 'firstWriteMs']) expect(rto[k], k).toBeGreaterThanOrEqual(0);
  expect(rto['totalMs']).toBeGreaterThanOrEqual(rto['detectionMs']! + rto['promotionMs']!);
  // the survivors had evicted galera-1 (a Primary component of 2) before one was chosen
  const p = result.observations['promotion']!;
  expect(p['survivors'].find((s: { node: string }) => s.node === f['promoted'])).toMatchObject({
    clusterStatus: 'Primary',
    localState: 'Synced',
    clusterSize: 2,
  });
  // galera-1 rejoined by IST from the position it recovered, and every member holds the same data
  const ist = result.checks.find((c) => c.name === 'galera-1-rejoined-by-ist')!;
  expect(ist.valid).toBe(true);
  expect(ist.details).toMatchObject({ joinedBy: 'IST' });
  expect(ist.details['istFrom']).toBe((ist.details['recoveredSeqno'] as number) + 1);
  for (const m of ['galera-2', 'galera-3']) expect(result.checks.find((c) => c.name === `${m}-data-equals-galera-1`)?.valid, m).toBe(true);
  expect(result.checks.filter((c) => !c.valid)).toEqual([]);
  expect(await leftovers(result.runId)).toEqual([]);
});
