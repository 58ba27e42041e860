import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gtidExecuted,
  NodeDefinition,
  openTopologyContext,
  RunContext,
  type StartedNode,
  type TopologyContext,
} from '../../harness/runtime/index.js';
import { compareServers } from '../../harness/verify/index.js';
import { datasetSource, loadDataset, planDataset, refuseClashes } from '../../harness/workload/index.js';
import { quiet } from './helpers.js';
import { projectRoot as root } from '../../harness/runtime/index.js';

const SHOP = resolve(root, 'fixtures/datasets/shop/shop.sql');
const SHOP_SCHEMA = resolve(root, 'fixtures/datasets/shop-schema/schema.sql');

const count = async (n: StartedNode, sql: string) =>
  Number((await n.query<{ c: string }>({ sql: `SELECT COUNT(*) AS c FROM ${sql}` }))[0]!.c);

// Each dataset source on one flavor: a compressed dump, a schema with generated rows, a live server.
describe('datasets (mariadb-10.11)', () => {
  let run: RunContext;
  let ctx: TopologyContext;
  let dir: string;
  let fresh: (name: string) => Promise<StartedNode>;
  let n = 0;
  beforeAll(async () => {
    run = new RunContext();
    dir = await mkdtemp(join(tmpdir(), 'fd-ds-'));
    ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
    fresh = (name) => new NodeDefinition(ctx, { name, server: { serverId: ++n } }).start();
  }, 180_000);
  afterAll(async () => {
    await run?.teardown();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a zstd dump that names no database (and the same dump gzip-ed), streams it, reports name, size and source', async () => {
    const zst = join(dir, 'orders-2026.sql.zst');
    await writeFile(zst, spawnSync('zstd', ['-q', '-c', SHOP]).stdout);
    await writeFile(join(dir, 'shop.sql.gz'), gzipSync(await readFile(SHOP)));
    const node = await fresh('dump-target');
    const plan = await planDataset(datasetSource(zst));
    expect(plan).toMatchObject({
      name: 'orders-2026.sql.zst',
      databases: ['shop'],
      tables: ['shop.customers', 'shop.products', 'shop.orders', 'shop.order_items', 'shop.page_hits'],
    });
    const seen: string[] = [];
    const info = await loadDataset(node, plan, (m) => seen.push(m));
    expect(info).toMatchObject({ kind: 'dump', name: 'orders-2026.sql.zst', origin: zst, databases: ['shop'], tables: 5 });
    expect(info.streamedBytes).toBe((await readFile(SHOP)).length);
    expect(info.serverBytes).toBeGreaterThan(0);
    expect(seen.some((m) => /orders-2026\.sql\.zst: 100%/.test(m))).toBe(true);
    expect(await count(node, 'shop.customers')).toBe(60);
    expect(await count(node, 'shop.orders')).toBe(200);
    expect(await count(node, "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'shop'")).toBe(1);
    expect(await count(node, "information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'shop'")).toBe(1);
    // The gzip-ed copy of the same dump loads into another server to the same data.
    const other = await fresh('gz-target');
    await loadDataset(other, await planDataset(datasetSource(join(dir, 'shop.sql.gz'))));
    const checks = await compareServers(node, other, { databases: ['shop'] });
    expect(checks.filter((c) => !c.valid)).toEqual([]);
  }, 300_000);

  it('refuses a dump the server cannot read with the file and the server error (bad input)', async () => {
    const bad = join(dir, 'broken.sql');
    await writeFile(bad, 'CREATE TABLE t (id int primary key);\nINSERT INTO t VALUES (1),(2;\n');
    const node = await fresh('broken-target');
    await expect(loadDataset(node, await planDataset(datasetSource(bad)))).rejects.toThrow(
      /broken\.sql: the server refused it: ERROR 1064/,
    );
    // an account of an authentication plugin the server does not load: the line says how to load it
    const plugin = join(dir, 'ed25519.sql');
    await writeFile(plugin, "CREATE USER 'app'@'%' IDENTIFIED VIA ed25519 USING 'ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY';\n");
    await expect(loadDataset(node, await planDataset(datasetSource(plugin)))).rejects.toThrow(
      /ed25519\.sql: the server refused it: ERROR 1524 .*Plugin 'ed25519' is not loaded; the dump has an account that authenticates with 'ed25519': pass your server's my\.cnf, which loads it \(plugin_load_add\), with --server-config/,
    );
  }, 120_000);

  it("refuses a dataset holding firedrill's own schema or accounts before anything starts", async () => {
    const clash = join(dir, 'clash.sql');
    await writeFile(clash, "CREATE DATABASE `firedrill`;\nUSE `firedrill`;\nCREATE TABLE t (id int);\nCREATE USER 'repl'@'%';\n");
    const plan = await planDataset(datasetSource(clash));
    expect(() => refuseClashes(plan, { isOwnDatabase: (d) => d === 'firedrill', accounts: ['firedrill', 'repl'] })).toThrow(
      /database 'firedrill', account 'repl'/,
    );
  });

  it('generates rows for a schema alone: types, NULL, unique and foreign keys hold on the server', async () => {
    const node = await fresh('schema-target');
    const info = await loadDataset(node, await planDataset(datasetSource(SHOP_SCHEMA, { rows: 300 })));
    expect(info.kind).toBe('schema');
    expect(info.generatedRows).toMatchObject({ 'shop.customers': 300, 'shop.products': 300, 'shop.orders': 300, 'shop.page_hits': 300 });
    expect(info.generatedRows!['shop.order_items']).toBeGreaterThan(250);
    expect(info.notes.filter((x) => /refused/.test(x))).toEqual([]);
    // Foreign keys: no orphan (checks were off while loading: the generator alone kept them).
    expect(await count(node, 'shop.orders o LEFT JOIN shop.customers c USING (customer_id) WHERE c.customer_id IS NULL')).toBe(0);
    expect(await count(node, 'shop.order_items i LEFT JOIN shop.products p USING (sku) WHERE p.sku IS NULL')).toBe(0);
    expect(await count(node, 'shop.order_items i LEFT JOIN shop.orders o USING (order_id) WHERE o.order_id IS NULL')).toBe(0);
    expect(await count(node, 'shop.orders WHERE note IS NULL')).toBeGreaterThan(0);
  }, 300_000);

  it('copies a live server consistently and read-only; only the MyISAM table is locked, for a measured time', async () => {
    const source = await fresh('live-source');
    await loadDataset(source, await planDataset(datasetSource(SHOP)));
    // a non-transactional table to lock, big enough that copying it takes a measurable time
    await source.query({ sql: "INSERT INTO shop.page_hits (path, hits) SELECT CONCAT('/big/', seq), seq FROM shop.seq_1_to_200000" });
    await source.query({ sql: 'ALTER TABLE shop.page_hits ENGINE=MyISAM' });
    const before = await gtidExecuted(source);
    const target = await fresh('live-target');
    const live = { user: ctx.creds.admin, password: ctx.creds.adminPassword, host: source.address, port: 3306 };
    const plan = await planDataset(datasetSource(undefined, { live, databases: ['shop'] }));
    expect(plan.live!.transactional.sort()).toEqual(['shop.customers', 'shop.order_items', 'shop.orders', 'shop.products']);
    expect(plan.live!.nonTransactional).toEqual(['shop.page_hits']);
    const t0 = Date.now();
    const info = await loadDataset(target, plan);
    const elapsed = Date.now() - t0;
    expect(info).toMatchObject({ kind: 'live', origin: `${ctx.creds.admin}@${source.address}:3306`, lock: { tables: ['shop.page_hits'] } });
    // measured: the lock was held while 200,000 rows were read (more than nothing), and within the copy's own time
    expect(info.lock!.ms).toBeGreaterThan(0);
    expect(info.lock!.ms).toBeLessThanOrEqual(elapsed);
    expect(JSON.stringify(info)).not.toContain(ctx.creds.adminPassword);
    expect((await compareServers(source, target, { databases: ['shop'] })).filter((c) => !c.valid)).toEqual([]);
    expect(await gtidExecuted(source)).toBe(before); // nothing was written on the source
    await expect(planDataset(datasetSource(undefined, { live, databases: ['nope'] }))).rejects.toThrow(/no database nope there/);
  }, 300_000);
});
