// primary-failover on one flavor, as a user runs it: the primary SIGKILLed under load, the most advanced replica
// promoted (never the delayed one), the others repointed, the clients following through their proxy, the old
// primary back and fenced, then a planned switchover. The nightly matrix (tests/nightly/failover.test.ts) runs every
// flavor and the negative drills (the wrong replica promoted by a team's script, a rejoin on divergent history,
// semi-sync with a stall). FIREDRILL_FAILOVER_FLAVORS (comma-separated, default mariadb-10.11) and
// FIREDRILL_FAILOVER_REPEAT (default 1) run it on other flavors and several times over.
// Nightly, not npm test (about 140 s a run here). It once failed in npm test (2026-12-07): after the planned switchover
// every write went to the demoted primary (the clients' proxy still saw it writable, and firedrill's account is not
// bound by read_only), so the new primary and the replicas lacked them. The switchover now resumes the writes only
// once the proxy routes to the new primary alone; this test checks the proxy's routes and every replica's GTIDs.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/runtime/index.js';
import { cli, leftovers } from '../docker/helpers.js';

const SHOP = resolve(projectRoot, 'fixtures/datasets/shop/shop.sql');

const FLAVORS = (process.env.FIREDRILL_FAILOVER_FLAVORS ?? 'mariadb-10.11').split(',').filter(Boolean);
const REPEAT = Number(process.env.FIREDRILL_FAILOVER_REPEAT ?? 1);
const runs = FLAVORS.flatMap((flavor) => Array.from({ length: REPEAT }, (_, i) => ({ flavor, run: i + 1 })));

describe.each(runs)('firedrill run primary-failover --flavor $flavor (run $run)', ({ flavor }) => {
  it('promotes the most advanced replica, measures the window and the RTO split, fences the old primary', async () => {
    const r = await cli(['run', 'primary-failover', '--flavor', flavor, '--dataset', SHOP, '--json']);
    const result = JSON.parse(r.stdout);
    expect(result.verdict, r.stderr.slice(-3000)).toBe('pass');
    expect(r.code).toBe(0);
    const promotion = result.observations['promotion'];
    // the delayed replica is never promoted, and the report says why
    expect(['replica-1', 'replica-2']).toContain(promotion.chosen);
    expect(promotion.excluded).toEqual([
      { node: 'replica-delayed', why: expect.arrayContaining([expect.stringMatching(/^delayed replica \(30 s\)/)]) },
    ]);
    const report = result.observations['promotion report'];
    expect(report.find((x: { node: string }) => x.node === 'replica-delayed').promotable).toBe(false);
    expect(report.find((x: { node: string }) => x.node === 'replica-1').notes.join()).toMatch(/fd_nightly.*promotion must enable/);
    const f = result.observations['failover'];
    expect(f.promoted).toBe(promotion.chosen);
    expect(f.eventsEnabled).toEqual(['firedrill_targets.fd_nightly']);
    for (const k of ['detectionMs', 'promotionMs', 'repointMs', 'firstWriteMs', 'totalMs']) expect(f.rto[k], k).toBeGreaterThanOrEqual(0);
    expect(f.rto.detectionMs).toBeGreaterThanOrEqual(1000); // detectMs: the primary silent for a second before it is declared dead
    expect(f.writeUnavailableMs).toBeGreaterThan(0);
    expect(f.writeUnavailableMs).toBeLessThan(60_000);
    // the clients' proxy saw the old primary go and the promoted one become writable, never two writable nodes (a
    // probe past its 500 ms deadline on a loaded machine may show a node unwritable for a moment: not a second writer)
    // (an empty set is such a moment: no writable node known, no write routed; seen at the start under load on MySQL 9.7)
    const sets: string[][] = f.routes.map((x: { writable: string[] }) => x.writable).filter((w: string[]) => w.length);
    expect(sets[0]).toEqual(['primary']);
    expect(sets[sets.length - 1]).toEqual([promotion.chosen]);
    expect(sets.every((w) => w.length <= 1)).toBe(true);
    const names = result.checks.map((c: { name: string }) => c.name);
    for (const c of [
      'one-writable-primary',
      `replicas-replicate-from-${promotion.chosen}`,
      'promoted-replica-held-every-transaction',
      `${promotion.chosen}-events-enabled-after-promotion`,
      'primary-errant-transactions-named',
      'primary-fenced',
      `replica-delayed-data-equals-${result.observations['planned switchover'].to}`,
      'rpo-equals-expected-loss',
    ])
      expect(names).toContain(c);
    expect(result.checks.filter((c: { valid: boolean }) => !c.valid)).toEqual([]);
    // async: whatever was lost is exactly what the returning old primary holds alone
    expect(result.rpo.lostAcknowledgedWrites).toBe(result.observations['old primary'].expectedLoss);
    // the planned switchover beside it, measured the same way, on the same data
    const sw = result.observations['planned switchover'];
    expect(sw.from).toBe(promotion.chosen);
    expect(sw.writeUnavailableMs).toBeGreaterThan(0);
    // the writes resumed once the proxy routed to the new primary alone: no writes on the demoted one, no errant GTIDs
    expect(sw.routes[sw.routes.length - 1].writable).toEqual([sw.to]);
    for (const n of [sw.from, 'replica-delayed']) expect(names).toContain(`${n}-no-errant-transactions-against-${sw.to}`);
    expect(result.rpo.node).toBe(sw.to);
    expect(await leftovers(result.runId)).toEqual([]);
  });
});
