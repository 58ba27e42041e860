// The split brain's cut (primary-failover --param fault=split-brain): the primary's own packet filter drops its
// replica's packets while firedrill's clients, on the host, still reach it and keep writing. The whole drill (promotion,
// the writes counted by id, the rejoin refused) runs nightly on every flavor: tests/nightly/failover.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../harness/exec/index.js';
import { faultEnvOf, withFault } from '../../harness/faults/index.js';
import {
  gtidExecuted,
  openTopologyContext,
  replicaStates,
  RunContext,
  startTopology,
  waitCaughtUp,
  type Topology,
} from '../../harness/runtime/index.js';
import { presentLedgerIds } from '../../harness/verify/index.js';
import { WriteWorkload } from '../../harness/workload/index.js';
import { quiet } from './helpers.js';

let run: RunContext;
let topo: Topology;

beforeAll(async () => {
  run = new RunContext();
  const ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  topo = await startTopology(ctx, { kind: 'primary-replicas', replicas: [{ name: 'replica-1' }] });
  await WriteWorkload.prepare(topo.primary);
  const r = topo.get('replica-1');
  await r.query(r.adapter.dialect.stopReplica());
  for (const q of r.adapter.failover.netTimeout(4)) await r.query(q);
  await r.query(r.adapter.dialect.startReplica());
});
afterAll(async () => {
  await run?.teardown();
});

describe('fault isolate: the primary cut off its replica, its clients still writing', () => {
  it('the replica gives the primary up and receives nothing while the host writes on; healed, it catches up', async () => {
    const p = topo.primary;
    const r = topo.get('replica-1');
    const workload = new WriteWorkload(p, { writers: 2, ratePerSec: 100 });
    workload.start();
    try {
      const seen = await withFault(faultEnvOf(topo, quiet), { kind: 'isolate', target: 'primary' }, async () => {
        const cutAt = Date.now();
        const replicaHad = await gtidExecuted(r);
        await waitUntil(
          async () => (await replicaStates(r))[0]?.ioRunning ?? '',
          (io) => io !== 'Yes',
          { what: "replica-1's IO thread to give the cut-off primary up", timeoutMs: 60_000, intervalMs: 200 },
        );
        const acked = () => workload.ledger.all().filter((e) => e.outcome === 'acked' && e.doneAt > cutAt).length;
        await waitUntil(
          async () => acked(),
          (n) => n >= 100,
          { what: '100 writes acknowledged by the cut-off primary', timeoutMs: 60_000 },
        );
        return { acked: acked(), replicaHad, replicaHas: await gtidExecuted(r), primaryHas: await gtidExecuted(p) };
      });
      expect(seen.value.acked).toBeGreaterThanOrEqual(100);
      expect(seen.value.replicaHas).toBe(seen.value.replicaHad); // nothing reached it across the cut
      expect(seen.value.primaryHas).not.toBe(seen.value.replicaHad);
      expect(seen.record.effect?.observed).toMatchObject({ isolated: ['primary'], from: [{ name: 'replica-1' }] });
      await waitCaughtUp(r, p);
    } finally {
      await workload.stop();
    }
    await waitCaughtUp(r, p);
    const onReplica = new Set(await presentLedgerIds(r, workload.db));
    expect(workload.ledger.byOutcome('acked').filter((e) => !onReplica.has(e.id))).toEqual([]);
  });
});
