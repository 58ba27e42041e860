import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GtidOrderError, mariadbGtid, mysqlGtid } from './gtid-algebra.js';

const GTID_ALGEBRA = { mariadb: mariadbGtid, mysql: mysqlGtid };

const U = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
/** The transactions in a MySQL GTID set, counted from its text (uuid:a-b:c,...), independently of the algebra. */
const countOf = (set: string) =>
  set
    .replace(/\s+/g, '')
    .split(',')
    .flatMap((part) => part.split(':').slice(1))
    .filter((iv) => /^\d+(-\d+)?$/.test(iv))
    .reduce((n, iv) => {
      const [a, b] = iv.split('-').map(Number);
      return n + (b === undefined ? 1 : b - a! + 1);
    }, 0);

describe('GTID algebra per family', () => {
  it('counts transactions between two positions', () => {
    const seqs = (d: number, s: number, from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `${d}-${s}-${from + i}`);
    expect(GTID_ALGEBRA.mariadb.transactionsBetween('0-1-100', '0-1-130', seqs(0, 1, 1, 140))).toBe(30);
    expect(GTID_ALGEBRA.mariadb.transactionsBetween('1-1-10,2-2-5', '1-1-12,2-2-9', [...seqs(1, 1, 1, 12), ...seqs(2, 2, 1, 9)])).toBe(6);
    expect(GTID_ALGEBRA.mysql.transactionsBetween(`${U}:1-100`, `${U}:1-130`)).toBe(30);
    expect(GTID_ALGEBRA.mysql.transactionsBetween(`${U}:1-10`, `${U}:1-12:20-22`)).toBe(5);
  });
  it('advances a position past one transaction and knows what it contains', () => {
    expect(GTID_ALGEBRA.mariadb.advance('0-1-824,1-5-3', '0-1-825')).toBe('0-1-825,1-5-3');
    expect(GTID_ALGEBRA.mariadb.contains('0-1-824', '0-1-825')).toBe(false);
    expect(GTID_ALGEBRA.mysql.advance(`${U}:1-5`, `${U}:7`)).toBe(`${U}:1-5:7`);
    expect(GTID_ALGEBRA.mysql.contains(`${U}:1-5`, `${U}:6`)).toBe(false);
  });
  it('MariaDB: sequence numbers need not be consecutive; the committed GTIDs are counted, never the gap', () => {
    // gtid_seq_no jumped from 105 to 200: 6 transactions, not 100.
    const committed = ['0-1-100', '0-1-101', '0-1-102', '0-1-103', '0-1-104', '0-1-105', '0-1-200'];
    expect(GTID_ALGEBRA.mariadb.transactionsBetween('0-1-100', '0-1-200', committed)).toBe(6);
    expect(() => GTID_ALGEBRA.mariadb.transactionsBetween('0-1-100', '0-1-200')).toThrow(/need/);
  });

  it('never a negative count: a `from` beyond or beside `to` is an error', () => {
    expect(() => GTID_ALGEBRA.mariadb.transactionsBetween('0-1-135', '0-1-130', [])).toThrow(GtidOrderError);
    expect(() => GTID_ALGEBRA.mariadb.transactionsBetween('0-4001-600', '0-1-600', [])).toThrow(GtidOrderError);
    expect(() => GTID_ALGEBRA.mysql.transactionsBetween(`${U}:1-135`, `${U}:1-130`)).toThrow(GtidOrderError);
    const mpos = fc
      .uniqueArray(fc.record({ d: fc.nat(3), s: fc.constantFrom(1, 2, 4001), q: fc.nat(50) }), { selector: (g) => g.d, maxLength: 3 })
      .map((gs) => gs.map((g) => `${g.d}-${g.s}-${g.q}`).join(','));
    const committed = fc
      .array(fc.record({ d: fc.nat(3), s: fc.constantFrom(1, 2, 4001), q: fc.nat(50) }), { maxLength: 30 })
      .map((gs) => gs.map((g) => `${g.d}-${g.s}-${g.q}`));
    // Any two positions: a count (never negative, never more than was committed) exactly when `to` holds `from`,
    // else GtidOrderError. An implementation that always throws, or never does, fails this.
    fc.assert(
      fc.property(mpos, mpos, committed, (a, b, c) => {
        const m = GTID_ALGEBRA.mariadb;
        if (m.contains(b, a)) {
          const n = m.transactionsBetween(a, b, c);
          expect(n).toBeGreaterThanOrEqual(0);
          expect(n).toBeLessThanOrEqual(c.length);
        } else expect(() => m.transactionsBetween(a, b, c)).toThrow(GtidOrderError);
      }),
    );
    // Positions built in order (each domain advanced by k on one writer, every sequence number committed): the count is
    // exactly the sum of the advances; the other way round it is an error whenever anything advanced.
    const advanced = fc.uniqueArray(fc.record({ d: fc.nat(3), q: fc.integer({ min: 1, max: 30 }), k: fc.nat(10) }), {
      selector: (g) => g.d,
      minLength: 1,
      maxLength: 3,
    });
    fc.assert(
      fc.property(advanced, (gs) => {
        const m = GTID_ALGEBRA.mariadb;
        const from = gs.map((g) => `${g.d}-1-${g.q}`).join(',');
        const to = gs.map((g) => `${g.d}-1-${g.q + g.k}`).join(',');
        const all = gs.flatMap((g) => Array.from({ length: g.q + g.k }, (_, i) => `${g.d}-1-${i + 1}`));
        const sum = gs.reduce((n, g) => n + g.k, 0);
        expect(m.transactionsBetween(from, to, all)).toBe(sum);
        if (sum > 0) expect(() => m.transactionsBetween(to, from, all)).toThrow(GtidOrderError);
        else expect(m.transactionsBetween(to, from, all)).toBe(0);
      }),
    );
    const mset = fc
      .array(fc.record({ a: fc.integer({ min: 1, max: 40 }), n: fc.nat(5) }), { maxLength: 4 })
      .map((xs) => xs.map((x) => `${U}:${x.a}-${x.a + x.n}`).join(','));
    fc.assert(
      fc.property(mset, mset, (a, b) => {
        const m = GTID_ALGEBRA.mysql;
        if (m.subtract(a, b) === '') expect(m.transactionsBetween(a, b)).toBe(m.subtract(b, a) === '' ? 0 : countOf(m.subtract(b, a)));
        else expect(() => m.transactionsBetween(a, b)).toThrow(GtidOrderError);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.nat(50), (x, y) => {
        const m = GTID_ALGEBRA.mysql;
        expect(m.transactionsBetween(`${U}:1-${x}`, `${U}:1-${x + y}`)).toBe(y);
        if (y > 0) expect(() => m.transactionsBetween(`${U}:1-${x + y}`, `${U}:1-${x}`)).toThrow(GtidOrderError);
      }),
    );
  });

  it('counts add up along a history: between(a, c) = between(a, b) + between(b, c) for a ⊆ b ⊆ c', () => {
    // MySQL: three nested sets (prefixes of one source's history plus a second source).
    const cuts = fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }));
    fc.assert(
      fc.property(cuts, ([x, y, z]) => {
        const a = `${U}:1-${x}`;
        const b = `${U}:1-${x + y}`;
        const c = `${U}:1-${x + y + z},${U.replace('3e11', '4e11')}:1-${z + 1}`;
        const m = GTID_ALGEBRA.mysql;
        expect(m.transactionsBetween(a, c)).toBe(m.transactionsBetween(a, b) + m.transactionsBetween(b, c));
      }),
    );
    // MariaDB: any committed history of one domain with gaps and several writers, cut at three of its transactions.
    const history = fc
      .array(fc.record({ gap: fc.integer({ min: 1, max: 5 }), server: fc.constantFrom(1, 2, 4001) }), { minLength: 3, maxLength: 40 })
      .map((xs) => {
        let q = 0;
        return xs.map((x) => {
          q += x.gap;
          return `0-${x.server}-${q}`;
        });
      });
    fc.assert(
      fc.property(history, fc.nat(), fc.nat(), fc.nat(), (h, i, j, k) => {
        const [p, q, r] = [i, j, k].map((n) => n % h.length).sort((u, v) => u - v) as [number, number, number];
        const m = GTID_ALGEBRA.mariadb;
        expect(m.transactionsBetween(h[p]!, h[r]!, h)).toBe(
          m.transactionsBetween(h[p]!, h[q]!, h) + m.transactionsBetween(h[q]!, h[r]!, h),
        );
        expect(m.transactionsBetween(h[p]!, h[r]!, h)).toBe(r - p);
      }),
    );
  });

  it('MariaDB: the same domain and sequence number written by another server id is a divergence, never containment', () => {
    const g = GTID_ALGEBRA.mariadb;
    expect(g.contains('0-4001-600', '0-1-600')).toBe(false);
    expect(g.contains('0-1-600', '0-4001-600')).toBe(false);
    expect(g.contains('0-1-600', '0-1-600')).toBe(true);
    expect(g.contains('0-1-601', '0-4001-600')).toBe(true); // a later transaction of the domain: order by sequence number
  });

  it('MariaDB: a binlog state with two writers in a domain (a restored node that wrote after its replay, F39) contains what its last GTID does', () => {
    const g = GTID_ALGEBRA.mariadb;
    expect(g.contains('0-1-3099,0-103-3100', '0-1-3099')).toBe(true);
    expect(g.contains('0-1-3099,0-103-3100', '0-1-3100')).toBe(false); // the accident's GTID: another writer at that number
    expect(g.contains('0-1-3099,0-103-3100', '0-1-3101')).toBe(false);
    expect(() => g.contains('0-1-3099,0-1-3100', '0-1-1')).toThrow(/pair 0-1 appears twice/);
  });

  it('names differing domains and sources', () => {
    expect(GTID_ALGEBRA.mariadb.differences('0-1-5', '0-1-6')).toEqual([{ source: 'domain 0', expected: '0-1-5', actual: '0-1-6' }]);
    expect(GTID_ALGEBRA.mysql.differences(`${U}:1-5`, `${U}:1-6`)).toEqual([{ source: U, expected: `${U}:1-5`, actual: `${U}:1-6` }]);
  });
});
