import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, openStore, physicalMethodFor, type Manifest } from '../../harness/backup/index.js';
import { restorePhysical } from '../../harness/restore/index.js';
import {
  gtidReplicaPos,
  openTopologyContext,
  RunContext,
  startTopology,
  waitCaughtUp,
  type StartedNode,
  type Topology,
} from '../../harness/runtime/index.js';
import { waitUntil } from '../../harness/exec/index.js';
import {
  checkTableState,
  compareData,
  compareSnapshots,
  gtidPositionsEqual,
  ledgerCheck,
  presentLedgerIds,
  tablesHealthy,
  takeSnapshot,
} from '../../harness/verify/index.js';
import { loadSakila, WriteWorkload } from '../../harness/workload/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quiet } from './helpers.js';

let run: RunContext;
let topo: Topology;
let restored: StartedNode;
let manifest: Manifest;
let workload: WriteWorkload;
let storeDir: string;

beforeAll(async () => {
  run = new RunContext();
  storeDir = await mkdtemp(join(tmpdir(), 'fd-store-'));
  const store = await openStore(storeDir);
  const ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  topo = await startTopology(ctx, {
    kind: 'primary-replicas',
    replicas: [{ name: 'backup-replica', mounts: [{ source: store.hostDir, target: store.containerDir }] }],
  });
  await loadSakila(topo.primary);
  await WriteWorkload.prepare(topo.primary);
  workload = new WriteWorkload(topo.primary, { writers: 2, ratePerSec: 500 });
  workload.start();
  await waitUntil(
    async () => workload.ledger.size,
    (n) => n >= 200,
    { what: '200 ledger writes', timeoutMs: 60_000 },
  );
  await workload.stop();
  const replica = topo.get('backup-replica');
  await waitCaughtUp(replica, topo.primary);
  const method = physicalMethodFor(replica.adapter);
  manifest = await method.backup(replica, store, 'negative', quiet);
  restored = (await restorePhysical(ctx, artifactPath(store, 'negative'), { name: 'restored', serverId: 50 })).node;
});
afterAll(async () => {
  await run?.teardown();
  if (storeDir) await rm(storeDir, { recursive: true, force: true });
});

describe('checkers on a restored copy', () => {
  it('pass on the untouched restore (the positive control)', async () => {
    const checks = compareSnapshots(manifest.snapshot, await takeSnapshot(restored, manifest.snapshot.databases));
    expect(checks.map((c) => [c.name, c.valid])).toEqual([
      ['check-table', true],
      ['checksum-table', true],
      ['schema-objects', true],
    ]);
    expect(gtidPositionsEqual(restored.adapter.gtid, manifest.position.gtid, await gtidReplicaPos(restored)).valid).toBe(true);
    expect(ledgerCheck('restored', workload.ledger, await presentLedgerIds(restored)).valid).toBe(true);
    expect((await compareData(topo.get('backup-replica'), restored)).valid).toBe(true);
  });

  it('checksum and data checks fail on one altered row and name it', async () => {
    await restored.query({ sql: "UPDATE sakila.actor SET first_name = 'ALTERED' WHERE actor_id = 7" });
    const checks = compareSnapshots(manifest.snapshot, await takeSnapshot(restored, manifest.snapshot.databases));
    const cs = checks.find((c) => c.name === 'checksum-table')!;
    expect(cs.valid).toBe(false);
    expect(cs.details['differences']).toEqual([expect.objectContaining({ database: 'sakila', object: 'actor', kind: 'rows-differ' })]);
    const data = await compareData(topo.get('backup-replica'), restored);
    expect(data.valid).toBe(false);
    expect(data.details['differences']).toContainEqual({ database: 'sakila', object: 'actor', kind: 'row-differs', where: 'actor_id=7' });
  });

  it('the schema-object check fails on a redefined trigger and names it', async () => {
    await restored.query({ sql: 'DROP TRIGGER sakila.del_film' });
    await restored.query({ sql: 'CREATE TRIGGER sakila.del_film AFTER DELETE ON sakila.film FOR EACH ROW BEGIN END' });
    const c = compareSnapshots(manifest.snapshot, await takeSnapshot(restored, manifest.snapshot.databases)).find(
      (x) => x.name === 'schema-objects',
    )!;
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([
      expect.objectContaining({ database: 'sakila', object: 'del_film', kind: 'trigger-definition-differs' }),
    ]);
  });

  it('the GTID check fails on a moved position and names the domain', async () => {
    await restored.query({ sql: "SET GLOBAL gtid_slave_pos = '0-1-3'" });
    const c = gtidPositionsEqual(restored.adapter.gtid, manifest.position.gtid, await gtidReplicaPos(restored));
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([
      expect.objectContaining({ object: 'gtid domain 0', expected: manifest.position.gtid, actual: '0-1-3' }),
    ]);
  });

  it('CHECK TABLE fails on a damaged table file and names the table', async () => {
    await restored.query({ sql: 'CREATE TABLE sakila.damaged (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=MyISAM' });
    await restored.query({ sql: "INSERT INTO sakila.damaged SELECT seq, CONCAT('row', seq) FROM sakila.seq_1_to_500" });
    await restored.query({ sql: 'FLUSH TABLES sakila.damaged' });
    await restored.container.exec(['truncate', '-s', '100', '/var/lib/mysql/sakila/damaged.MYD']);
    await restored.query({ sql: 'FLUSH TABLES sakila.damaged' });
    expect((await checkTableState(restored, 'sakila', 'damaged')).ok).toBe(false);
    const c = tablesHealthy(await takeSnapshot(restored, ['sakila']));
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([
      expect.objectContaining({ database: 'sakila', object: 'damaged', kind: 'check-table-error' }),
    ]);
  });

  it('the ledger check fails when an acknowledged write is missing and names its id', async () => {
    const id = workload.ledger.byOutcome('acked')[10]!.id;
    await restored.query({ sql: 'DELETE FROM firedrill.writes WHERE id = ?', values: [id] });
    const c = ledgerCheck('restored', workload.ledger, await presentLedgerIds(restored));
    expect(c.valid).toBe(false);
    expect(c.details).toMatchObject({ lostAcknowledgedWrites: 1, lostIds: [id] });
  });
});
