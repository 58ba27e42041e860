// Pre-upgrade validation on real servers: one MariaDB 10.11 and one 11.8 holding the same data (plus a second 10.11
// as the "identical servers" control). The incompatibility report finds each planted problem and nothing on the
// clean copy; the replay flags the queries whose result changes with the default collation and the query made slow
// by a missing index, and finds no difference between identical servers.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NodeDefinition,
  openTopologyContext,
  probeOptions,
  projectRoot,
  replicateOrRefusal,
  RunContext,
  withFlavor,
  type StartedNode,
  type TopologyContext,
} from '../../harness/runtime/index.js';
import {
  goNoGo,
  incompatibilityReport,
  loadRuleSet,
  parseOptionFile,
  readInventory,
  replayQueries,
  replaySessionsOnBoth,
  serverOptions,
  type Finding,
} from '../../harness/verify/upgrade/index.js';
import { parseQueries, serverTarget } from '../../harness/workload/index.js';
import { readFileSync } from 'node:fs';
import { FLAVORS } from '../../harness/core/index.js';
import { cli, leftovers, quiet } from './helpers.js';

const fixture = (f: string) => join(projectRoot, 'fixtures', 'pre-upgrade', f);
const rules = loadRuleSet(FLAVORS['mariadb-10.11'], FLAVORS['mariadb-11.8']);
const serious = (f: readonly Finding[]) => f.filter((x) => x.severity !== 'info');
const side = (n: StartedNode) => ({ name: n.name, connect: () => n.connect() });

let run: RunContext;
let oldCtx: TopologyContext;
let newCtx: TopologyContext;
let old: StartedNode;
let twin: StartedNode;
let upgraded: StartedNode;

beforeAll(async () => {
  run = new RunContext();
  oldCtx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  newCtx = await withFlavor(oldCtx, 'mariadb-11.8');
  [old, twin, upgraded] = await Promise.all([
    new NodeDefinition(oldCtx, { name: 'old', server: { serverId: 1 } }).start(),
    new NodeDefinition(oldCtx, { name: 'old-twin', server: { serverId: 2 } }).start(),
    new NodeDefinition(newCtx, { name: 'new', server: { serverId: 3 } }).start(),
  ]);
  for (const n of [old, twin, upgraded]) await n.loadSqlFile(fixture('shop.sql'));
  await old.loadSqlFile(fixture('planted-10.11.sql'));
});
afterAll(async () => {
  await run?.teardown();
});

describe('incompatibility report, 10.11 -> 11.8', () => {
  it('finds each planted problem, with the object and the line; the option file is judged by the 11.8 server itself', async () => {
    const options = serverOptions(parseOptionFile(fixture('planted-my.cnf')));
    const verdicts = await probeOptions(run, newCtx.image, 'mariadb', options);
    expect(verdicts.map((v) => [v.name, v.verdict])).toEqual(
      expect.arrayContaining([
        ['old_alter_table', 'refused'],
        ['innodb_defragment', 'ignored'],
      ]),
    );
    const f = await incompatibilityReport({ rules, old: await readInventory(old), target: upgraded, config: { options, verdicts } });
    const got = serious(f).map((x) => [x.severity, x.kind, x.where.replace(/^.*\//, '')]);
    expect(got).toEqual(
      expect.arrayContaining([
        ['warning', 'option-ignored', 'planted-my.cnf:4'],
        ['blocking', 'option-refused', 'planted-my.cnf:5'],
        ['warning', 'default-collation-uca1400', 'shop.same_city:2'],
        ['warning', 'reserved-words-11.8', 'shop.docs.vector'],
        ['blocking', 'reserved-words-11.8', 'shop.nearest:2'],
        ['warning', 'auth-tls-by-default', "'reporting'@'%'"],
      ]),
    );
    expect(got).toHaveLength(7); // the two CONVERTs of same_city are on the same line: one finding each
    const ignored = f.find((x) => x.kind === 'option-ignored')!;
    expect(ignored.message).toMatch(/innodb_defragment in .*planted-my\.cnf \(line 4\)/);
    expect(ignored.cite).toMatch(/was removed\. It does nothing now/);
    expect(goNoGo(f).verdict).toBe('no-go');
  });
  it('finds nothing blocking or warning on the clean schema', async () => {
    const f = await incompatibilityReport({ rules, old: await readInventory(twin), target: upgraded });
    expect(serious(f)).toEqual([]);
    expect(goNoGo(f).verdict).toBe('go');
  });
});

describe('query replay on both versions', () => {
  const queries = parseQueries(readFileSync(fixture('queries.sql'), 'utf8'), 'queries.sql');

  it("sessions run with each server's own default collation (the driver does not pin it)", async () => {
    const r = await replayQueries(side(old), side(twin), queries.slice(0, 1), { runs: 1 });
    expect(r.sessions['old']!.collation).toBe('utf8mb4_general_ci');
    const r2 = await replayQueries(side(old), side(upgraded), queries.slice(0, 1), { runs: 1 });
    expect(r2.sessions['new']!.collation).toBe('utf8mb4_uca1400_ai_ci');
  });

  it('identical servers: no difference', async () => {
    const r = await replayQueries(side(old), side(twin), queries);
    expect(r.findings).toEqual([]);
    expect(r.replayed).toBe(7);
    expect(r.skipped.map((s) => s.sql)).toEqual(['CREATE TABLE never_replayed (id INT)']);
    // once compared, only digests and row counts are kept (a long log of large results is not held to the end)
    for (const c of r.comparisons) for (const side of [c.old!, c.new!]) expect(Object.keys(side)).not.toContain('rows');
    expect(r.comparisons.some((c) => c.old!.rowCount > 1)).toBe(true);
    // a statement that fails the same way on both sides is not a difference, but it is not silently passed either
    const none = await replayQueries(side(old), side(twin), [{ sql: 'SELECT * FROM shop.no_such_table', source: 'mine.sql' }], { runs: 1 });
    expect(none.findings.map((f) => [f.severity, f.kind])).toEqual([
      ['info', 'fails-on-both'],
      ['warning', 'nothing-compared'],
    ]);
  });

  it('10.11 -> 11.8: the collation-dependent results change (blocking, with digests and the first differing row); a missing index is slow', async () => {
    await upgraded.query({ sql: 'ALTER TABLE shop.events DROP INDEX k' }); // planted: the index is missing on the new side
    try {
      // the planted scan costs ~25 ms over 400,000 rows on a fast machine: right at the default +25 ms floor, so the
      // test sets the floor a user would for a table this small (--param slowMs=5); the x2 factor and the
      // non-overlapping runs still have to hold
      const r = await replayQueries(side(old), side(upgraded), queries, { slowMinMs: 5 });
      const by = (kind: string) => r.findings.filter((f) => f.kind === kind);
      expect(by('result').map((f) => f.where)).toEqual([
        "queries.sql: SELECT COUNT(DISTINCT x) AS spellings FROM (SELECT 'Straße' AS x UNION ALL SELECT 'Strasse') t",
        "queries.sql: SELECT 'ss' = 'ß' AS same_letters",
      ]);
      for (const f of by('result')) {
        expect(f.severity).toBe('blocking');
        const e = f.evidence as { digests: { old: string; new: string }; firstDifferingRow: unknown };
        expect(e.digests.old).not.toBe(e.digests.new);
        expect(e.firstDifferingRow).toBeDefined();
      }
      expect(by('result')[1]!.message).toMatch(/first differing row #0: \["?0"?\] -> \["?1"?\]/);
      expect(by('result')[0]!.message).toMatch(/first differing row #0: \["?2"?\] -> \["?1"?\]/);
      const slow = by('time');
      const planted = r.comparisons.find((c) => c.sql.includes('k = 4242'));
      expect(
        slow.map((f) => f.where),
        `times: ${JSON.stringify({ old: planted?.old?.timesMs, new: planted?.new?.timesMs })}`,
      ).toEqual(['queries.sql: SELECT COUNT(*) AS n FROM events WHERE k = 4242']);
      expect(slow[0]!.message).toMatch(/plan .*events:ref:k.* -> .*events:ALL:-/);
      expect(by('error')).toEqual([]);
      // the rolled-back UPDATE changed nothing on either side
      const [row] = await upgraded.query<{ city: string }>({ sql: 'SELECT city FROM shop.customers WHERE id = 5' });
      expect(row!.city).toBe('Basel');
      expect(goNoGo(r.findings).verdict).toBe('no-go');
    } finally {
      await upgraded.query({ sql: 'ALTER TABLE shop.events ADD KEY k (k)' });
    }
  });
});

/**
 * A general log's sessions replayed with their interleaving (one connection per thread id) on 10.11 and on 11.8, from
 * the same starting data. 11.8 defaults innodb_snapshot_isolation=ON: session 11's REPEATABLE READ transaction
 * updates a row session 12 changed after its snapshot and fails with 1020 there, where 10.11 lets it proceed. Session
 * 14 waits for session 13's row lock (seen in the processlist, not slept on) until 13 commits. One session at a time,
 * the same log shows nothing.
 */
describe('concurrent replay of a general log on both versions', () => {
  const log = join(projectRoot, 'fixtures', 'query-logs', 'concurrent-sessions-general.log');
  const sessions = parseQueries(readFileSync(log, 'utf8'), 'concurrent-sessions-general.log');
  const fresh = async () => {
    for (const n of [old, upgraded]) await n.loadSqlFile(join(projectRoot, 'fixtures', 'query-logs', 'concurrent-sessions-setup.sql'));
  };
  const target = (n: StartedNode) => serverTarget(side(n), { charset: 'utf8mb4' });
  const replay = async (mode: 'concurrent' | 'serial') => {
    await fresh();
    return replaySessionsOnBoth(target(old), target(upgraded), sessions, { mode, source: 'general.log', statementTimeoutMs: 20_000 });
  };

  it('interleaved: the update of a row changed since the snapshot fails on 11.8 only (1020), naming both sessions', async () => {
    const r = await replay('concurrent');
    const err = r.findings.filter((f) => f.kind === 'concurrent-error');
    const seen = (x: typeof r.old) =>
      x.statements.map(({ index, ok, error, waitedFor, stuck }) => ({ index, ok, error, waitedFor, stuck }));
    expect(
      err.map((f) => f.where),
      JSON.stringify({ old: seen(r.old), new: seen(r.new) }),
    ).toEqual(['general.log: session 11 statement #9: UPDATE account SET balance = balance - 5 WHERE id = 1']);
    expect(err[0]!.severity).toBe('blocking');
    expect(err[0]!.message).toMatch(/old succeeds, new fails \(1020: Record has changed since last read/);
    expect(err[0]!.message).toMatch(/session 12 #4 UPDATE account SET balance = balance \+ 10 WHERE id = 1/);
    // what the sessions see afterwards differs too: 105 on 10.11 (both updates), 110 on 11.8 (session 11's refused)
    expect(r.findings.filter((f) => f.kind === 'concurrent-result').map((f) => f.evidence?.['statement'])).toEqual([11]);
    // session 14 waited for session 13's row lock on both servers, and answered once 13 committed
    for (const side of [r.old, r.new])
      expect(
        side.statements.find((s) => s.index === 6),
        JSON.stringify(seen(side)),
      ).toMatchObject({ ok: true, waitedFor: expect.stringMatching(/lock/) });
    expect(goNoGo(r.findings).verdict).toBe('no-go');
  });

  it('one session at a time: the same log shows no difference', async () => {
    const r = await replay('serial');
    expect(r.findings).toEqual([]);
    expect(r.new.statements.every((s) => s.ok && !s.waitedFor)).toBe(true);
  });
});

describe('rollback direction: an old-version replica of the new primary', () => {
  it("replicates until the new primary runs DDL only it knows; then the refusal is the replica's own error, not a crash", async () => {
    const [pos] = await upgraded.query<{ gtid: string }>(upgraded.adapter.dialect.gtidWritten());
    for (const s of twin.adapter.dialect.adoptReplicaPosition(String(pos!.gtid))) await twin.query(s);
    const before = await replicateOrRefusal(twin, upgraded, oldCtx.creds, 60);
    expect(before).toMatchObject({ ok: true });
    await upgraded.loadSqlFile(fixture('new-only-ddl.sql'));
    const after = await replicateOrRefusal(twin, upgraded, oldCtx.creds, 60);
    expect(after.ok).toBe(false);
    expect(after.ok ? '' : after.error).toMatch(/VECTOR|syntax/i);
  });
});

describe('firedrill pre-upgrade --server-config with an option the target refuses', () => {
  it('runs every 10.11 node with the whole file and every 11.8 node without the refused option; the refusal is the one blocker (exit 1)', async () => {
    const r = await cli([
      'pre-upgrade',
      '--to',
      'mariadb-11.8',
      '--dataset',
      join(projectRoot, 'fixtures/datasets/shop/shop.sql'),
      '--param',
      'bulkMb=2',
      '--server-config',
      fixture('planted-my.cnf'),
      '--json',
    ]);
    const result = JSON.parse(r.stdout);
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
    expect(result.verdict).toBe('fail');
    // everything was proven (backups onto 11.8, replay, rolling upgrade, rollback): only the go/no-go says no
    expect(result.checks.filter((c: { valid: boolean }) => !c.valid).map((c: { name: string }) => c.name)).toEqual([
      'pre-upgrade-no-blocking-finding',
    ]);
    const g = result.observations['go/no-go'];
    expect(g.verdict).toBe('no-go');
    expect(
      g.findings.filter((f: Finding) => f.severity === 'blocking').map((f: Finding) => [f.kind, f.where.replace(/^.*\//, '')]),
    ).toEqual([['option-refused', 'planted-my.cnf:5']]);
    expect(result.observations['server config for mariadb-11.8'].removed).toEqual([{ option: 'old-alter-table', line: 5 }]);
    // the step's way back: replication 11.8 -> 10.11 (the rollback), and the pre-upgrade backup restored onto 10.11, timed
    const wayBack = result.observations['way back'];
    expect(wayBack.replication).toMatchObject({ exercised: true, from: 'replica-1 (mariadb-11.8)', to: 'primary (mariadb-10.11)' });
    expect(wayBack.restore).toMatchObject({ node: 'way-back', flavor: 'mariadb-10.11', kind: 'physical', verified: true });
    expect(wayBack.restore.restoreS).toBeGreaterThan(0);
    expect(wayBack.restore.backupPoint).toMatch(/^\d+-\d+-\d+/);
    expect(result.checks.find((c: { name: string }) => c.name === 'way-back-restore-verified')).toMatchObject({ valid: true });
    const applied = result.serverConfig.applied;
    expect(applied['primary']).toHaveProperty('old_alter_table'); // 10.11 runs with it
    for (const n of ['replica-1', 'upgraded-physical']) {
      expect(applied[n], n).toMatchObject({ innodb_buffer_pool_size: String(256 * 1024 * 1024) });
      expect(applied[n], n).not.toHaveProperty('old_alter_table');
    }
    expect(await leftovers(result.runId)).toEqual([]);
  }, 900_000);
});
