// delayed-replica-recovery on one flavor (the nightly failover file runs the others), as a user runs it: an accidental
// DROP under load recovered by running the 30 s delayed replica up to the transaction before it; and the same drill
// with the stop point one transaction late, which applies the DROP and must fail because the table is gone.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/runtime/index.js';
import { cli, leftovers } from './helpers.js';

const SHOP = resolve(projectRoot, 'fixtures/datasets/shop/shop.sql');

type Result = {
  verdict: string;
  runId: string;
  rpo: { lostAcknowledgedWrites: number; node: string };
  rto: { ms: number; phases: Record<string, number> };
  checks: Array<{ name: string; valid: boolean; details: { differences?: Array<{ kind: string; object: string }> } }>;
  observations: Record<string, Record<string, unknown>>;
};

const drill = async (params: string[]) => {
  const r = await cli([
    'run',
    'delayed-replica-recovery',
    '--flavor',
    'mariadb-10.11',
    '--dataset',
    SHOP,
    '--param',
    'bulkMb=2',
    ...params.flatMap((p) => ['--param', p]),
    '--json',
  ]);
  const result = JSON.parse(r.stdout) as Result;
  expect(await leftovers(result.runId)).toEqual([]);
  return { code: r.code, result, stderr: r.stderr };
};
const recovery = (r: Result) => r.observations['delayed replica recovery replica-delayed']!;

describe('firedrill run delayed-replica-recovery --flavor mariadb-10.11', () => {
  it('runs the delayed replica up to the transaction before the DROP: the table is back, RPO 0, RTO measured', async () => {
    const { code, result, stderr } = await drill([]);
    expect(result.verdict, stderr.slice(-3000)).toBe('pass');
    expect(code).toBe(0);
    expect(result.observations['accident target']!['table']).toBe('shop.order_items');
    const rec = recovery(result);
    // it applied 30 s late until the recovery, stopped on the transaction before the DROP and holds nothing after it
    expect(rec['delaySecondsBefore']).toBe(30);
    expect(rec['executedAtStop']).toBe(rec['lastApplied']);
    expect(rec['firstNotApplied']).toBe(rec['drop']);
    for (const c of [
      'replica-delayed-checksum-table-as-before-the-drop',
      'replica-delayed-schema-objects-as-before-the-drop',
      'replica-delayed-gtid-stops-just-before-the-drop',
      'replica-delayed-ledger-at-recovery-point',
    ])
      expect(result.checks.find((x) => x.name === c)?.valid, c).toBe(true);
    expect(result.checks.filter((c) => !c.valid)).toEqual([]);
    expect(result.rpo).toMatchObject({ lostAcknowledgedWrites: 0, node: 'replica-delayed' });
    expect(result.rto.phases['delayed-replica-recovery']).toBeGreaterThan(0);
  });

  it('NEGATIVE: a stop point one transaction late applies the DROP, and the drill fails because the table is gone', async () => {
    const { code, result } = await drill(['stopLate=1']);
    expect(result.verdict).toBe('fail');
    expect(code).toBe(1);
    expect(recovery(result)['lastApplied']).toBe(recovery(result)['drop']);
    const failed = result.checks.filter((c) => !c.valid);
    expect(failed.map((c) => c.name).sort()).toEqual([
      'replica-delayed-checksum-table-as-before-the-drop',
      'replica-delayed-gtid-stops-just-before-the-drop',
      'replica-delayed-schema-objects-as-before-the-drop',
    ]);
    const missing = failed.find((c) => c.name === 'replica-delayed-checksum-table-as-before-the-drop')!.details.differences;
    expect(missing).toEqual([{ database: 'shop', object: 'order_items', kind: 'table-missing' }]);
  });
});
