import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatMysqlSet,
  isSubset,
  MysqlGtidParseError,
  parseMysqlSet,
  setsEqual,
  subtract,
  union,
  type MysqlGtidSet,
} from './gtid-mysql.js';

const U1 = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const U2 = 'a9ae3d35-0f5e-11ee-8c3b-0242ac110002';

const setArb: fc.Arbitrary<MysqlGtidSet> = fc
  .array(fc.record({ src: fc.constantFrom(U1, U2, `${U2}:blue`), a: fc.integer({ min: 1, max: 60 }), len: fc.nat(8) }), { maxLength: 8 })
  .map((xs) => parseMysqlSet(xs.map((x) => `${x.src}:${x.a}-${x.a + x.len}`).join(',')));

describe('MySQL GTID sets', () => {
  it('parses and normalises what the server prints, newlines and upper case included', () => {
    const s = parseMysqlSet(`${U1.toUpperCase()}:1-5:7-9:6,\n${U2}:1-3`);
    expect(formatMysqlSet(s)).toBe(`${U1}:1-9,${U2}:1-3`);
    expect(formatMysqlSet(parseMysqlSet(`${U2}:1-3:blue:1-2`))).toBe(`${U2}:1-3:blue:1-2`);
    expect(parseMysqlSet('').size).toBe(0);
  });

  it('refuses malformed sets', () => {
    for (const bad of ['nope:1-2', `${U1}`, `${U1}:5-3`, `${U1}:0`, `${U1}:1-x`])
      expect(() => parseMysqlSet(bad)).toThrow(MysqlGtidParseError);
  });

  it('refuses a dangling tag (a tag that names no interval)', () => {
    for (const bad of [`${U1}:blue`, `${U1}:1-3:blue`, `${U1}:blue:red:1-2`, `${U1}:1-3:blue,${U2}:1`]) {
      expect(() => parseMysqlSet(bad)).toThrow(/tag '(blue|red)' has no interval/);
    }
    expect(formatMysqlSet(parseMysqlSet(`${U1}:blue:1-2:red:4`))).toBe(`${U1}:blue:1-2:red:4`);
  });

  it('parse after format is the identity', () => {
    fc.assert(
      fc.property(setArb, (s) => {
        expect(parseMysqlSet(formatMysqlSet(s))).toEqual(s);
      }),
    );
  });

  it('union is commutative, associative, idempotent, with the empty set as identity', () => {
    const e = new Map();
    fc.assert(
      fc.property(setArb, setArb, setArb, (a, b, c) => {
        expect(setsEqual(union(a, b), union(b, a))).toBe(true);
        expect(setsEqual(union(union(a, b), c), union(a, union(b, c)))).toBe(true);
        expect(setsEqual(union(a, a), a)).toBe(true);
        expect(setsEqual(union(a, e), a)).toBe(true);
      }),
    );
  });

  it('subtract: (a − b) ∪ (a ∩ b) = a, (a − b) has nothing of b, a ⊆ a ∪ b, subset is a partial order', () => {
    fc.assert(
      fc.property(setArb, setArb, setArb, (a, b, c) => {
        const d = subtract(a, b);
        expect(setsEqual(union(d, subtract(a, d)), a)).toBe(true);
        expect(setsEqual(subtract(d, subtract(d, b)), new Map())).toBe(true);
        expect(isSubset(a, union(a, b))).toBe(true);
        expect(isSubset(d, a)).toBe(true);
        if (isSubset(a, b) && isSubset(b, a)) expect(formatMysqlSet(a)).toBe(formatMysqlSet(b));
        if (isSubset(a, b) && isSubset(b, c)) expect(isSubset(a, c)).toBe(true);
      }),
    );
  });

  it('names what a replica has beyond its source', () => {
    expect(formatMysqlSet(subtract(parseMysqlSet(`${U1}:1-100,${U2}:1`), parseMysqlSet(`${U1}:1-120`)))).toBe(`${U2}:1`);
    expect(formatMysqlSet(subtract(parseMysqlSet(`${U1}:1-10`), parseMysqlSet(`${U1}:3-4`)))).toBe(`${U1}:1-2:5-10`);
  });
});
