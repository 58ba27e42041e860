/**
 * MariaDB GTID positions as values: a position lists, per replication domain, the last GTID
 * `domain-server-seq` applied. Sequence numbers order transactions within a domain; server ids only say who wrote.
 */
export interface DomainPos { server: number; seq: number }
export type MariaPos = ReadonlyMap<number, DomainPos>;

export class GtidParseError extends Error {
  constructor(input: string, why: string) { super(`bad GTID position '${input}': ${why}`); this.name = 'GtidParseError'; }
}

const u32 = (s: string) => /^\d{1,10}$/.test(s) && Number(s) <= 0xffffffff;

export function parseMariaPos(input: string): MariaPos {
  const out = new Map<number, DomainPos>();
  const text = input.trim();
  if (text === '') return out;
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)-(\d+)-(\d+)\s*$/.exec(part);
    if (!m) throw new GtidParseError(input, `'${part}' is not domain-server-seq`);
    const [, d, s, q] = m as unknown as [string, string, string, string];
    if (!u32(d) || !u32(s)) throw new GtidParseError(input, `'${part}': domain and server ids are 32-bit`);
    const seq = Number(q);
    if (!Number.isSafeInteger(seq)) throw new GtidParseError(input, `'${part}': sequence number too large`);
    const domain = Number(d);
    if (out.has(domain)) throw new GtidParseError(input, `domain ${domain} appears twice`);
    out.set(domain, { server: Number(s), seq });
  }
  return out;
}

export function formatMariaPos(p: MariaPos): string {
  return [...p.entries()].sort(([a], [b]) => a - b).map(([d, g]) => `${d}-${g.server}-${g.seq}`).join(',');
}

/** a ≤ b: every domain of a is in b at the same or a later sequence number. */
export function mariaLeq(a: MariaPos, b: MariaPos): boolean {
  for (const [d, g] of a) {
    const o = b.get(d);
    if (!o || o.seq < g.seq) return false;
  }
  return true;
}

export type Order = 'equal' | 'before' | 'after' | 'concurrent';

/** Partial order per domain on sequence numbers. */
export function compareMariaPos(a: MariaPos, b: MariaPos): Order {
  const le = mariaLeq(a, b);
  const ge = mariaLeq(b, a);
  return le && ge ? 'equal' : le ? 'before' : ge ? 'after' : 'concurrent';
}

/** Per domain, how the two positions differ (domain missing on one side, or different GTIDs). */
export function mariaDomainDifferences(expected: MariaPos, actual: MariaPos): Array<{ domain: number; expected?: string; actual?: string }> {
  const out: Array<{ domain: number; expected?: string; actual?: string }> = [];
  const domains = [...new Set([...expected.keys(), ...actual.keys()])].sort((x, y) => x - y);
  for (const d of domains) {
    const e = expected.get(d);
    const a = actual.get(d);
    const fe = e && `${d}-${e.server}-${e.seq}`;
    const fa = a && `${d}-${a.server}-${a.seq}`;
    if (fe !== fa) out.push({ domain: d, expected: fe, actual: fa });
  }
  return out;
}
