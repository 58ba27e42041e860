// primary-failover on every flavor, in its variants, and its negative drills: each must fail for the reason it exists.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_FLAVORS, MARIADB_FLAVORS } from '../../harness/scenario/index.js';
import { projectRoot } from '../../harness/runtime/index.js';
import { cli, leftovers } from '../docker/helpers.js';

const SHOP = resolve(projectRoot, 'fixtures/datasets/shop/shop.sql');
const WRONG = resolve(projectRoot, 'fixtures/failover/promote-lagging.mjs');

type Result = {
  verdict: string;
  runId: string;
  rpo: { lostAcknowledgedWrites: number };
  checks: Array<{ name: string; valid: boolean; details: Record<string, unknown> }>;
  observations: Record<string, Record<string, unknown>>;
};
const obs = (r: Result, k: string) => r.observations[k] ?? {};
const drill = async (
  flavor: string,
  params: string[],
  id = 'primary-failover',
  env?: Record<string, string>,
): Promise<{ code: number | null; result: Result; stderr: string }> => {
  const r = await cli(['run', id, '--flavor', flavor, '--dataset', SHOP, ...params.flatMap((p) => ['--param', p]), '--json'], { env });
  const result = JSON.parse(r.stdout) as Result;
  expect(await leftovers(result.runId)).toEqual([]);
  return { code: r.code, result, stderr: r.stderr };
};
const failed = (r: Result) => r.checks.filter((c) => !c.valid).map((c) => c.name);

describe.each(ALL_FLAVORS.map((flavor) => ({ flavor })))('primary-failover on $flavor', ({ flavor }) => {
  it('semi-sync (AFTER_SYNC): no acknowledged write lost; a stall makes it fall back to async, and only what followed is lost', async () => {
    const plain = await drill(flavor, ['durability=semisync']);
    expect(plain.result.verdict, plain.stderr.slice(-3000)).toBe('pass');
    expect(plain.result.rpo.lostAcknowledgedWrites).toBe(0);
    const stalled = await drill(flavor, ['durability=semisync', 'stallWrites=50']);
    expect(stalled.result.verdict, stalled.stderr.slice(-3000)).toBe('pass');
    const semi = stalled.result.checks.find((c) => c.name === 'semi-sync-lost-no-write-it-acknowledged')!;
    expect((semi.details['fallbacksToAsync'] as string[]).length).toBeGreaterThanOrEqual(1);
    expect(semi.details['lostWhileOn']).toEqual([]);
    expect(stalled.result.rpo.lostAcknowledgedWrites).toBeGreaterThan(0);
  });

  it('semi-sync AFTER_COMMIT: the server runs with that wait point, and no acknowledged write is lost', async () => {
    const { result, stderr } = await drill(flavor, ['durability=semisync-after-commit']);
    expect(result.verdict, stderr.slice(-3000)).toBe('pass');
    expect(obs(result, 'semi-sync')).toMatchObject({ waitPoint: 'AFTER_COMMIT', waitPointOnPrimary: 'AFTER_COMMIT' });
    expect(result.checks.find((c) => c.name === 'semi-sync-lost-no-write-it-acknowledged')?.valid).toBe(true);
    expect(result.rpo.lostAcknowledgedWrites).toBe(0);
  });

  it('async with a stall: the loss is exact, and equals what the returning old primary holds alone (named by GTID)', async () => {
    const { result, stderr } = await drill(flavor, ['stallWrites=50']);
    expect(result.verdict, stderr.slice(-3000)).toBe('pass');
    expect(result.rpo.lostAcknowledgedWrites).toBeGreaterThanOrEqual(50);
    expect(result.rpo.lostAcknowledgedWrites).toBe(obs(result, 'old primary')['expectedLoss']);
    expect(obs(result, 'old primary')['errantGtids']).not.toBe('');
  });

  it('commit flush strict (1, 1) and none (0, 0), async with a stall: each run with its settings; under none the killed primary also loses its unwritten redo, named', async () => {
    for (const [setting, expected] of [
      ['strict', { sync_binlog: 1, innodb_flush_log_at_trx_commit: 1 }],
      ['none', { sync_binlog: 0, innodb_flush_log_at_trx_commit: 0 }],
    ] as const) {
      const { result, stderr } = await drill(flavor, ['stallWrites=50', `commitFlush=${setting}`]);
      expect(result.verdict, stderr.slice(-3000)).toBe('pass');
      const nodes = obs(result, 'commit flush')['nodes'] as Record<string, unknown>;
      expect(Object.keys(nodes).sort()).toEqual(['primary', 'replica-1', 'replica-2', 'replica-delayed']);
      for (const n of Object.values(nodes)) expect(n).toEqual(expected);
      const old = obs(result, 'old primary');
      expect(result.rpo.lostAcknowledgedWrites).toBeGreaterThanOrEqual(50);
      expect(result.rpo.lostAcknowledgedWrites).toBe(old['expectedLoss']);
      // strict: every lost write is one the old primary holds alone; none: also the writes its unwritten redo held
      // (on neither primary), counted apart
      const unwritten = (old['lostWithUnwrittenRedo'] as { count: number } | undefined)?.count ?? 0;
      if (setting === 'strict') expect(unwritten).toBe(0);
      expect(result.rpo.lostAcknowledgedWrites).toBe((old['divergentAcknowledged'] as number) + unwritten);
    }
  });

  it('frozen past the detection timeout: detected through the replicas, promoted; on thaw its queued writes are named errant', async () => {
    const { result, stderr } = await drill(flavor, ['fault=freeze']);
    expect(result.verdict, stderr.slice(-3000)).toBe('pass');
    expect(obs(result, 'replica net timeout')['seconds']).toBe(4);
    const io = obs(result, 'detection')['replicas'] as Array<{ io: string }>;
    expect(io.every((r) => r.io !== 'Yes')).toBe(true);
    const old = obs(result, 'old primary');
    expect(old['returnedBy']).toBe('freeze healed');
    // what its clients had queued committed on thaw, on the old primary only: named by GTID (the check fails otherwise)
    if ((old['divergentLedgerIds'] as number[]).length) expect(old['errantGtids']).not.toBe('');
    expect(result.checks.find((c) => c.name === 'primary-errant-transactions-named')?.valid).toBe(true);
    expect(result.rpo.lostAcknowledgedWrites).toBe(old['expectedLoss']);
  });

  it('cut off the network: detected once the replicas give it up, promoted; reconnected and fenced', async () => {
    const { result, stderr } = await drill(flavor, ['fault=partition']);
    expect(result.verdict, stderr.slice(-3000)).toBe('pass');
    expect(obs(result, 'old primary')['returnedBy']).toBe('partition healed');
    expect(result.checks.find((c) => c.name === 'primary-fenced')?.valid).toBe(true);
    expect(result.rpo.lostAcknowledgedWrites).toBe(obs(result, 'old primary')['expectedLoss']);
  });

  it('split brain: cut off its replicas while half the clients write on; their writes after the promotion counted by id, named errant, fenced', async () => {
    const { result, stderr } = await drill(flavor, ['fault=split-brain']);
    expect(result.verdict, stderr.slice(-3000)).toBe('pass');
    const split = obs(result, 'split brain');
    expect(split['writesAfterPromotion']).toBeGreaterThan(0);
    expect((split['ids'] as number[]).length).toBe(split['writesAfterPromotion']);
    expect(result.checks.find((c) => c.name === 'primary-split-brain-writes')?.valid).toBe(true);
    expect(obs(result, 'old primary')['errantGtids']).not.toBe('');
    expect(result.checks.find((c) => c.name === 'primary-fenced')?.valid).toBe(true);
    // every split-brain write is lost by design, and the RPO counts them with those of the cut before the promotion
    expect(result.rpo.lostAcknowledgedWrites).toBe(obs(result, 'old primary')['expectedLoss']);
    expect(result.rpo.lostAcknowledgedWrites).toBeGreaterThanOrEqual(split['writesAfterPromotion'] as number);
  });

  it('NEGATIVE: after a split brain, rejoining the old primary on top of its divergent history fails the drill', async () => {
    const { code, result } = await drill(flavor, ['fault=split-brain', 'oldPrimary=rejoin']);
    expect(result.verdict).toBe('fail');
    expect(code).toBe(1);
    expect(failed(result)).toEqual(['primary-rejoins-without-divergent-history']);
  });

  it('NEGATIVE: rejoining the old primary on top of its divergent history fails the drill', async () => {
    const { code, result } = await drill(flavor, ['stallWrites=50', 'oldPrimary=rejoin']);
    expect(result.verdict).toBe('fail');
    expect(code).toBe(1);
    expect(failed(result)).toEqual(['primary-rejoins-without-divergent-history']);
  });

  it('oldPrimary=rebuild: the old primary with divergent history is rebuilt from a backup of the new primary and rejoins: pass', async () => {
    const { code, result, stderr } = await drill(flavor, ['stallWrites=50', 'oldPrimary=rebuild']);
    expect(result.verdict, stderr.slice(-3000)).toBe('pass');
    expect(code).toBe(0);
    // its divergence was named before its datadir went
    expect(obs(result, 'old primary')['errantGtids']).not.toBe('');
    const rebuilt = obs(result, 'old primary rebuilt');
    expect(rebuilt['node']).toBe('primary');
    expect(rebuilt['backupTakenOn']).not.toBe('replica-delayed');
    expect(rebuilt['backupTakenOn']).not.toBe(obs(result, 'failover')['promoted']);
    const named = (n: string) => result.checks.find((c) => c.name === n);
    const promoted = String(obs(result, 'failover')['promoted']);
    expect(named(`primary-rebuilt-no-errant-transactions-against-${promoted}`)?.valid).toBe(true);
    // the rebuilt node is a replica again: compared with the primary at the end (or, when the planned switchover
    // that follows chose it, the primary the others are compared with), and holding the ledger
    const sw = obs(result, 'planned switchover');
    const finalPrimary = sw['attempted'] === false ? promoted : String(sw['to']);
    const compared = result.checks.filter((c) =>
      finalPrimary === 'primary'
        ? c.name.endsWith('-equals-primary')
        : c.name.startsWith('primary-') && c.name.endsWith(`-equals-${finalPrimary}`),
    );
    expect(compared.length).toBeGreaterThan(0);
    expect(named('primary-ledger')?.valid).toBe(true);
  });

  it("NEGATIVE: the team's failover script promotes the lagging (delayed) replica: the drill fails for that reason", async () => {
    const { code, result } = await drill(flavor, [`failover=${WRONG}`]);
    expect(result.verdict).toBe('fail');
    expect(code).toBe(1);
    expect(obs(result, 'promotion')['environment']).toMatchObject({ MYSQL_PWD: '***', FIREDRILL_REPL_PASSWORD: '***' });
    expect(obs(result, 'failover')['promoted']).toBe('replica-delayed');
    const wrong = result.checks.find((c) => c.name === 'promoted-replica-held-every-transaction')!;
    expect(wrong.valid).toBe(false);
    expect((wrong.details['differences'] as Array<{ kind: string }>).map((d) => d.kind)).toContain('a-more-advanced-replica-existed');
  });
});

// The delayed replica as a recovery path (npm test runs MariaDB 10.11: tests/docker/delayed-replica-recovery.test.ts).
describe.each(['mariadb-11.8', 'mysql-9.7'].map((flavor) => ({ flavor })))('delayed-replica-recovery on $flavor', ({ flavor }) => {
  const run = (params: string[]) => drill(flavor, params, 'delayed-replica-recovery');

  it('runs the delayed replica up to the transaction before the DROP; one transaction late fails because the table is gone', async () => {
    const ok = await run([]);
    expect(ok.result.verdict, ok.stderr.slice(-3000)).toBe('pass');
    expect(ok.result.rpo.lostAcknowledgedWrites).toBe(0);
    const rec = obs(ok.result, 'delayed replica recovery replica-delayed');
    expect(rec['firstNotApplied']).toBe(rec['drop']);
    const late = await run(['stopLate=1']);
    expect(late.result.verdict).toBe('fail');
    expect(late.code).toBe(1);
    expect(failed(late.result)).toContain('replica-delayed-checksum-table-as-before-the-drop');
    expect(failed(late.result)).toContain('replica-delayed-gtid-stops-just-before-the-drop');
  });
});

// The Galera write node killed (npm test runs MariaDB 10.11 once: tests/docker/galera-failover.test.ts), and two members
// crashed in quick succession.
describe.each(MARIADB_FLAVORS.map((flavor) => ({ flavor })))('galera-write-node-failover on $flavor', ({ flavor }) => {
  const run = (params: string[], env?: Record<string, string>) => drill(flavor, params, 'galera-write-node-failover', env);

  it('the clients move to a survivor with no acknowledged write lost; the killed node rejoins by IST; all equal', async () => {
    const { result, stderr } = await run([]);
    expect(result.verdict, stderr.slice(-3000)).toBe('pass');
    expect(result.rpo.lostAcknowledgedWrites).toBe(0);
    expect(obs(result, 'failover')['writeUnavailableMs']).toBeGreaterThan(0);
    expect(result.checks.find((c) => c.name === 'galera-1-rejoined-by-ist')?.valid).toBe(true);
  });

  it('two members crash in quick succession: the survivor loses quorum, is bootstrapped as the most advanced, nothing lost', async () => {
    const { result, stderr } = await drill(flavor, ['seed=1'], 'galera-quick-crashes');
    expect(result.verdict, stderr.slice(-3000)).toBe('pass');
    expect(result.rpo.lostAcknowledgedWrites).toBe(0);
    expect(obs(result, 'crashes in quick succession')).toMatchObject({ killed: ['galera-1', 'galera-2'], seed: 1 });
    for (const c of [
      'galera-3-non-primary-after-quorum-loss',
      'galera-3-refuses-queries-without-quorum',
      'galera-3-most-advanced-after-the-crashes',
      'galera-1-rejoined-by-ist',
      'galera-2-rejoined-by-ist',
    ])
      expect(result.checks.find((x) => x.name === c)?.valid, c).toBe(true);
    expect(obs(result, 'failover')['promoted']).toBe('galera-3');
  });

  it('NEGATIVE: a failover that loses one acknowledged write (planted) fails the drill for exactly that write', async () => {
    const { code, result } = await run([], { FIREDRILL_PLANTED_DEFECT: 'galera-failover-loses-a-write' });
    expect(result.verdict).toBe('fail');
    expect(code).toBe(1);
    expect(result.rpo.lostAcknowledgedWrites).toBe(1);
    // every member lacks the same one write, by id, and nothing else failed
    expect(failed(result).sort()).toEqual(['galera-1-ledger', 'galera-2-ledger', 'galera-3-ledger']);
    const lost = result.checks.filter((c) => c.name.endsWith('-ledger')).map((c) => c.details['lostIds']);
    expect(lost).toEqual([lost[0], lost[0], lost[0]]);
    expect(lost[0]).toHaveLength(1);
  });
});
