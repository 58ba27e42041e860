import { describe, expect, it } from 'vitest';
import { mariadbGtid, mysqlGtid } from '../core/index.js';
import { choosePromotion, readiness, type ReplicaFacts } from './promotion.js';

const replica = (name: string, executed: string, more: Partial<ReplicaFacts> = {}): ReplicaFacts => ({
  name,
  reachable: true,
  executed,
  logBin: true,
  replicaUpdates: true,
  gtidStrict: true,
  filters: [],
  delaySeconds: 0,
  lagSeconds: 0,
  disabledEvents: [],
  ...more,
});
const U = '3e11fa47-71ca-11e1-9e33-c80aa9429562';

describe('which replica a failover promotes', () => {
  it('the most advanced eligible replica by GTID (MariaDB positions, MySQL sets)', () => {
    const m = choosePromotion([replica('r1', '0-1-90'), replica('r2', '0-1-100')], mariadbGtid, { maxLagSeconds: 10 });
    expect(m.chosen).toBe('r2');
    expect(m.chosenLacks).toEqual({ r1: '' });
    const y = choosePromotion([replica('r1', `${U}:1-100`), replica('r2', `${U}:1-90`)], mysqlGtid, { maxLagSeconds: 10 });
    expect(y.chosen).toBe('r1');
  });
  it('never a delayed or lagging replica, even the most advanced; each exclusion says why', () => {
    const c = choosePromotion(
      [replica('delayed', '0-1-100', { delaySeconds: 3600 }), replica('lagging', '0-1-100', { lagSeconds: 30 }), replica('ok', '0-1-80')],
      mariadbGtid,
      { maxLagSeconds: 10 },
    );
    expect(c.chosen).toBe('ok');
    expect(c.excluded.map((e) => [e.node, e.why[0]])).toEqual([
      ['delayed', expect.stringMatching(/^delayed replica \(3600 s\)/)],
      ['lagging', 'lagging 30 s (limit 10 s)'],
    ]);
    // what the chosen one lacks of the excluded ones is named, not hidden
    expect(c.chosenLacks['delayed']).toBe('0-1-100');
  });
  it('prefers the candidate only when it holds as much as the best', () => {
    const facts = [replica('r1', '0-1-100'), replica('r2', '0-1-100'), replica('r3', '0-1-99')];
    expect(choosePromotion(facts, mariadbGtid, { prefer: 'r2', maxLagSeconds: 10 }).chosen).toBe('r2');
    const behind = choosePromotion(facts, mariadbGtid, { prefer: 'r3', maxLagSeconds: 10 });
    expect(behind.chosen).toBe('r1');
    expect(behind.reason).toMatch(/the preferred r3 lacks 0-1-100/);
  });
  it('refuses when no replica may be promoted, or when the eligible ones diverge', () => {
    expect(choosePromotion([replica('r1', '0-1-5', { logBin: false })], mariadbGtid, { maxLagSeconds: 10 }).chosen).toBeUndefined();
    const d = choosePromotion([replica('r1', '0-1-5'), replica('r2', '0-2-5')], mariadbGtid, { maxLagSeconds: 10 });
    expect(d.chosen).toBeUndefined();
    expect(d.reason).toMatch(/histories diverge/);
  });
});

describe('can this replica be promoted', () => {
  it('names every blocker and what promotion must do', () => {
    const r = readiness(
      replica('r', '0-1-1', {
        replicaUpdates: false,
        filters: ['Replicate_Ignore_DB=audit'],
        gtidStrict: false,
        disabledEvents: ['shop.nightly'],
      }),
      10,
    );
    expect(r.promotable).toBe(false);
    expect(r.blockers).toEqual([
      expect.stringMatching(/^log_slave_updates/),
      expect.stringMatching(/^replication filters \(Replicate_Ignore_DB=audit\)/),
    ]);
    expect(r.notes).toEqual([expect.stringMatching(/^GTID strict mode off/), expect.stringMatching(/shop\.nightly/)]);
    expect(readiness(replica('ok', '0-1-1'), 10)).toEqual({ node: 'ok', promotable: true, blockers: [], notes: [] });
  });
});
