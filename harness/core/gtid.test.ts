import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareMariaPos,
  formatMariaPos,
  formatMariaState,
  GtidParseError,
  mariaDomainDifferences,
  mariaLeq,
  parseMariaPos,
  parseMariaState,
  subtractMariaState,
  type MariaPos,
} from './gtid.js';

const pos = fc
  .uniqueArray(fc.record({ domain: fc.nat(20), server: fc.nat(5), seq: fc.nat(1000) }), { selector: (g) => g.domain, maxLength: 5 })
  .map((gs) => new Map(gs.map((g) => [g.domain, { server: g.server, seq: g.seq }])) as MariaPos);

describe('MariaDB GTID positions', () => {
  it('parses what the server prints', () => {
    const p = parseMariaPos('0-1-100,2-5-7');
    expect(p.get(0)).toEqual({ server: 1, seq: 100 });
    expect(p.get(2)).toEqual({ server: 5, seq: 7 });
    expect(parseMariaPos('').size).toBe(0);
  });

  it('refuses malformed positions and a domain listed twice', () => {
    expect(() => parseMariaPos('0-1')).toThrow(GtidParseError);
    expect(() => parseMariaPos('0-1-2,0-1-3')).toThrow(/twice/);
    expect(() => parseMariaPos('a-b-c')).toThrow(GtidParseError);
  });

  it('parse after format is the identity', () => {
    fc.assert(
      fc.property(pos, (p) => {
        expect(parseMariaPos(formatMariaPos(p))).toEqual(p);
      }),
    );
  });

  it('≤ is reflexive, antisymmetric (same sequence numbers and writers), and transitive', () => {
    fc.assert(fc.property(pos, (a) => mariaLeq(a, a)));
    fc.assert(
      fc.property(pos, pos, (a, b) => {
        if (mariaLeq(a, b) && mariaLeq(b, a)) expect(formatMariaPos(a)).toBe(formatMariaPos(b));
      }),
    );
    fc.assert(fc.property(pos, pos, pos, (a, b, c) => !(mariaLeq(a, b) && mariaLeq(b, c)) || mariaLeq(a, c)));
  });

  it('the same domain and sequence number from another server id is concurrent (diverged), never contained', () => {
    expect(mariaLeq(parseMariaPos('0-1-600'), parseMariaPos('0-4001-600'))).toBe(false);
    expect(mariaLeq(parseMariaPos('0-4001-600'), parseMariaPos('0-1-600'))).toBe(false);
    expect(compareMariaPos(parseMariaPos('0-1-600'), parseMariaPos('0-4001-600'))).toBe('concurrent');
    fc.assert(
      fc.property(pos, fc.nat(20), (p, bump) => {
        // Any position with one domain's writer replaced at the same sequence number is diverged from the original.
        const [d, g] = [...p.entries()][0] ?? [0, { server: 0, seq: 0 }];
        const other = new Map(p).set(d, { server: g.server + 1 + bump, seq: g.seq });
        expect(compareMariaPos(p.size ? p : new Map([[d, g]]), other)).toBe('concurrent');
      }),
    );
  });

  it('compare is consistent with ≤ and symmetric', () => {
    const flip = { before: 'after', after: 'before', equal: 'equal', concurrent: 'concurrent' } as const;
    fc.assert(
      fc.property(pos, pos, (a, b) => {
        const o = compareMariaPos(a, b);
        expect(compareMariaPos(b, a)).toBe(flip[o]);
        expect(o === 'before' || o === 'equal').toBe(mariaLeq(a, b));
      }),
    );
  });

  it('names each domain that differs', () => {
    expect(mariaDomainDifferences(parseMariaPos('0-1-10,1-2-5'), parseMariaPos('0-1-10,1-2-6,3-9-1'))).toEqual([
      { domain: 1, expected: '1-2-5', actual: '1-2-6' },
      { domain: 3, expected: undefined, actual: '3-9-1' },
    ]);
  });
});

describe('MariaDB binlog states', () => {
  const state = fc
    .uniqueArray(fc.record({ domain: fc.nat(3), server: fc.nat(4), seq: fc.nat(100) }), {
      selector: (g) => `${g.domain}-${g.server}`,
      maxLength: 6,
    })
    .map((gs) => formatMariaState(new Map(gs.map((g) => [`${g.domain}-${g.server}`, g]))));

  it('allow one entry per (domain, server) and round-trip', () => {
    expect(formatMariaState(parseMariaState('0-1-500,0-2-501'))).toBe('0-1-500,0-2-501');
    expect(() => parseMariaState('0-1-5,0-1-6')).toThrow(/twice/);
    fc.assert(
      fc.property(state, (s) => {
        expect(formatMariaState(parseMariaState(s))).toBe(s);
      }),
    );
  });

  it("names a replica's own write as errant against its primary", () => {
    const errant = subtractMariaState(parseMariaState('0-1-500,0-2-501'), parseMariaState('0-1-520'));
    expect(formatMariaState(errant)).toBe('0-2-501');
    expect(subtractMariaState(parseMariaState('0-1-500'), parseMariaState('0-1-520')).size).toBe(0);
  });

  it('a state minus itself is empty, and minus the empty state is itself', () => {
    fc.assert(
      fc.property(state, (s) => {
        const p = parseMariaState(s);
        expect(subtractMariaState(p, p).size).toBe(0);
        expect(formatMariaState(subtractMariaState(p, new Map()))).toBe(s);
      }),
    );
  });
});
