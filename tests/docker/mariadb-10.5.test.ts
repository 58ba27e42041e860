// MariaDB 10.5 (Debian bullseye) as a flavor: a node of its image comes up, and a replica of it replicates by GTID.
// What every drill does on 10.5 is the nightly matrix's job (firedrill suite matrix --flavor mariadb-10.5).
import { afterAll, describe, expect, it } from 'vitest';
import { gtidExecuted, openTopologyContext, replicaStates, RunContext, startTopology, waitCaughtUp } from '../../harness/runtime/index.js';
import { upgradeSql } from '../../harness/sql/index.js';
import { WriteWorkload } from '../../harness/workload/index.js';
import { quiet } from './helpers.js';

const run = new RunContext();
afterAll(() => run.teardown());

describe('mariadb-10.5', () => {
  it('a primary and a replica start from its image, and the replica applies what the primary writes', { timeout: 180_000 }, async () => {
    const ctx = await openTopologyContext(run, 'mariadb-10.5', quiet);
    const topo = await startTopology(ctx, { kind: 'primary-replicas', replicas: [{ name: 'replica-1' }] });
    const replica = topo.get('replica-1');
    for (const n of [topo.primary, replica]) {
      const [v] = await n.query<{ v: string }>(upgradeSql.version());
      expect(v?.v, n.name).toMatch(/^10\.5\.\d+-MariaDB/);
    }
    await WriteWorkload.prepare(topo.primary); // the ledger's schema: DDL and rows written on the primary
    const { gtid } = await waitCaughtUp(replica, topo.primary, 60);
    expect(gtid).toBe(await gtidExecuted(topo.primary));
    expect(gtid).not.toBe('');
    const [state] = await replicaStates(replica);
    expect(state).toMatchObject({ ioRunning: 'Yes', sqlRunning: 'Yes', lastIoError: '', lastSqlError: '', sourceHost: 'primary' });
  });
});
