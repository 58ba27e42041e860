import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, physicalMethodFor, type BackupStore } from '../../harness/backup/index.js';
import { RUN_KEY_IDS } from '../../harness/core/index.js';
import { restorePhysical } from '../../harness/restore/index.js';
import {
  openTopologyContext,
  RunContext,
  startTopology,
  waitCaughtUp,
  type StartedNode,
  type TopologyContext,
} from '../../harness/runtime/index.js';
import { encryptedTablespaces, keysNeeded, rowMutation, type Corpus } from '../../harness/sql/corpus/index.js';
import { compareServers } from '../../harness/verify/index.js';
import { ACCOUNT_KINDS, OBJECT_KINDS, corpusFor, tableKindsOf } from '../../harness/workload/corpus/index.js';
import { authKindsOf } from '../../harness/workload/corpus/corpus.js';
import { datasetSource, loadDataset, planDataset } from '../../harness/workload/index.js';
import { applyMutations, unnamed, withCorpusPlugins, writeDump } from './corpus-kit.js';
import { cli, leftovers, quiet } from './helpers.js';

/**
 * Encrypted tables (issue 19, "encryption where keys exist") on MariaDB 10.11: the run's key file (fresh random keys,
 * put into every node from memory: never on the host) and the corpus's my.cnf (file_key_management naming it) on every
 * node. The corpus's InnoDB tables are encrypted (ROW_FORMAT=COMPRESSED, partitions, foreign keys, system versioning;
 * key ids 1 and 2), an Aria table beside them is not. Seed 20261206: its row mutation is on an encrypted table.
 */
const SEED = 20261206;
/** FIREDRILL_ENC_FLAVOR=mariadb-11.8 runs it on 11.8 (same corpus: the two series draw alike without auth accounts). */
const FLAVOR = (process.env['FIREDRILL_ENC_FLAVOR'] ?? 'mariadb-10.11') as 'mariadb-10.11' | 'mariadb-11.8';
const KEEP = ['numbers', 'strings', 'partition-hash', 'system-versioned', 'fk-parent'];

describe(`encrypted tables on ${FLAVOR}, with the run keys on every node`, () => {
  let run: RunContext;
  let ctx: TopologyContext;
  let store: BackupStore;
  let primary: StartedNode;
  let replica: StartedNode;
  let corpus: Corpus;
  let dir: string;
  const exclude = () => ({ excludeAccounts: [ctx.creds.admin, ctx.creds.repl] });
  const tablespaces = async (n: StartedNode) => (await n.query(encryptedTablespaces())) as Array<{ name: string; keyId: number }>;

  beforeAll(async () => {
    const t0 = Date.now();
    const others = tableKindsOf(FLAVOR).filter((k) => !KEEP.includes(k));
    corpus = corpusFor(FLAVOR, SEED, {
      cover: true,
      rows: 3,
      keys: RUN_KEY_IDS,
      without: [...others, ...OBJECT_KINDS, ...ACCOUNT_KINDS, ...authKindsOf(FLAVOR)],
    });
    dir = await mkdtemp(join(tmpdir(), 'fd-corpus-enc-'));
    run = new RunContext();
    ctx = withCorpusPlugins(await openTopologyContext(run, FLAVOR, quiet), corpus);
    store = await openStore(join(dir, 'store'));
    const mounts = [{ source: store.hostDir, target: store.containerDir }];
    const topo = await startTopology(ctx, { kind: 'primary-replicas', replicas: [{ name: 'replica-1', mounts }] });
    primary = topo.primary;
    replica = topo.get('replica-1');
    await loadDataset(primary, await planDataset(datasetSource(await writeDump(corpus, dir))));
    await waitCaughtUp(replica, primary);
    console.log(`corpus-encryption: primary + replica, corpus loaded and replicated: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 5 * 60_000);
  afterAll(async () => {
    await run?.teardown();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (run) expect(await leftovers(run.runId)).toEqual([]);
  });

  it('the encrypted tables replicate encrypted, with the same key ids, and the replica reads equal', async () => {
    const encrypted = corpus.tables.filter((t) => t.encryptionKeyId);
    expect(encrypted.map((t) => t.kind)).toEqual(['numbers', 'partition-hash', 'fk-parent', 'fk-child', 'system-versioned']);
    expect(corpus.tables.find((t) => t.kind === 'strings')).toMatchObject({ engine: 'Aria' });
    expect(keysNeeded(corpus)).toEqual([1, 2]);
    const onPrimary = await tablespaces(primary);
    // one tablespace per table, three for the partitioned one; key 2 on the partitions only
    const own = (xs: Array<{ name: string; keyId: number }>) => xs.filter((x) => !/^(mysql|firedrill)[/_]/.test(x.name));
    expect(own(onPrimary).map((x) => x.keyId)).toEqual(expect.arrayContaining([1, 2]));
    expect(own(onPrimary)).toHaveLength(encrypted.length + 2);
    expect(own(await tablespaces(replica))).toEqual(own(onPrimary));
    const checks = await compareServers(primary, replica, exclude());
    expect(checks.filter((c) => !c.valid)).toEqual([]);
  }, 120_000);

  it("firedrill's physical backup of the replica (mariabackup, prepared in its container) restores equal on a new node of the run", async () => {
    await physicalMethodFor(replica.adapter).backup(replica, store, 'enc');
    const restored = await restorePhysical(ctx, join(store.hostDir, 'enc'), { name: 'restored', serverId: 9, readOnly: true });
    expect(await tablespaces(restored.node)).toEqual(await tablespaces(replica));
    const checks = await compareServers(replica, restored.node, exclude());
    expect(checks.filter((c) => !c.valid)).toEqual([]);
  }, 180_000);

  it('restore-test of a mariadb-backup with encrypted tables, without the key management: exit 2 naming it', async () => {
    await replica.container.exec(['mariadb-backup', '--backup', '--user=root', '--target-dir=/tmp/enc-full']);
    const artifact = join(dir, 'enc-full');
    await replica.container.copyOut('/tmp/enc-full', artifact);
    const r = await cli(['restore-test', '--flavor', FLAVOR, '--artifact', artifact]);
    expect(r.code, r.stderr.slice(-1500)).toBe(2);
    // mariabackup's prepare reads backup-my.cnf, which names the plugin and the key file the backup was taken with
    expect(r.stderr).toMatch(
      /prepare needs the source's key management \(the backup holds encrypted tables, .*Plugin 'file_key_management' init function returned error.*--server-config: plugin_load_add = file_key_management/,
    );
  }, 180_000);

  it("mariadb-dump writes the encrypted tables' rows in clear; restore-test of the dump without the key management: exit 2 naming it", async () => {
    const db = corpus.databases[0]!;
    await replica.container.exec(['sh', '-c', 'mariadb-dump --single-transaction --databases "$0" > /tmp/enc.sql', db]);
    const artifact = join(dir, 'enc.sql');
    await replica.container.copyOut('/tmp/enc.sql', artifact);
    const text = await readFile(artifact, 'utf8');
    const numbers = corpus.tables.find((t) => t.kind === 'numbers')!;
    expect(text).toContain(`CREATE TABLE \`${numbers.name}\``);
    // 10.11.18 writes `ENCRYPTED`=YES `ENCRYPTION_KEY_ID`=1, 11.8.9 quotes the values: `ENCRYPTED`='YES' `ENCRYPTION_KEY_ID`='1'
    expect(text).toMatch(/ `ENCRYPTED`='?YES'? `ENCRYPTION_KEY_ID`='?1'?/);
    expect(text).toContain(`INSERT INTO \`${numbers.name}\` VALUES`);
    const r = await cli(['restore-test', '--flavor', FLAVOR, '--artifact', artifact]);
    expect(r.code, r.stderr.slice(-1500)).toBe(2);
    expect(r.stderr).toMatch(
      /the load needs the source's key management \(the backup holds encrypted tables, .*ERROR 1005 \(HY000\).*errno: 140 "Wrong create options".*--server-config: plugin_load_add = file_key_management/,
    );
  }, 180_000);

  it('a changed row of an encrypted table on the replica is named (the comparison reads through the encryption)', async () => {
    const m = rowMutation(corpus)!;
    expect(corpus.tables.find((t) => t.name === m.names)?.encryptionKeyId).toBe(1);
    await replica.query({ sql: 'SET SESSION sql_log_bin = 0' });
    await applyMutations(replica, [m]);
    const failed = (await compareServers(primary, replica, exclude())).filter((c) => !c.valid);
    expect(failed.length).toBeGreaterThan(0);
    expect(unnamed([m], failed)).toEqual([]);
  }, 120_000);
});
