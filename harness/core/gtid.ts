/** One domain's last GTID in a position: who wrote it, and its sequence number. */
interface DomainPos {
  server: number;
  seq: number;
}
/**
 * MariaDB GTID positions as values: a position lists, per replication domain, the last GTID
 * `domain-server-seq` applied. Sequence numbers order transactions within a domain; server ids only say who wrote.
 */
export type MariaPos = ReadonlyMap<number, DomainPos>;

export class GtidParseError extends Error {
  constructor(input: string, why: string) {
    super(`bad GTID position '${input}': ${why}`);
    this.name = 'GtidParseError';
  }
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
  return [...p.entries()]
    .sort(([a], [b]) => a - b)
    .map(([d, g]) => `${d}-${g.server}-${g.seq}`)
    .join(',');
}

/**
 * a ≤ b: every domain of a is in b at a later sequence number, or at the same sequence number written by the same
 * server. The same domain and sequence number written by another server id is a divergence (two histories), never
 * containment: `0-4001-600` does not contain `0-1-600`.
 */
export function mariaLeq(a: MariaPos, b: MariaPos): boolean {
  for (const [d, g] of a) {
    const o = b.get(d);
    if (!o || o.seq < g.seq || (o.seq === g.seq && o.server !== g.server)) return false;
  }
  return true;
}

export type Order = 'equal' | 'before' | 'after' | 'concurrent';

/** Partial order per domain on sequence numbers (equal sequence numbers from different servers: concurrent). */
export function compareMariaPos(a: MariaPos, b: MariaPos): Order {
  const le = mariaLeq(a, b);
  const ge = mariaLeq(b, a);
  return le && ge ? 'equal' : le ? 'before' : ge ? 'after' : 'concurrent';
}

/** Per domain, how the two positions differ (domain missing on one side, or different GTIDs). */
export function mariaDomainDifferences(
  expected: MariaPos,
  actual: MariaPos,
): Array<{ domain: number; expected?: string; actual?: string }> {
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

/**
 * A MariaDB binlog state (@@gtid_binlog_state): the last GTID of every (domain, server) pair that wrote to the
 * binlog. Unlike a position, a domain may appear once per server.
 */
export type MariaState = ReadonlyMap<string, { domain: number; server: number; seq: number }>;

export function parseMariaState(input: string): MariaState {
  const out = new Map<string, { domain: number; server: number; seq: number }>();
  if (input.trim() === '') return out;
  for (const part of input.split(',')) {
    const one = parseMariaPos(part);
    const [domain, g] = [...one.entries()][0]!;
    const key = `${domain}-${g.server}`;
    if (out.has(key)) throw new GtidParseError(input, `pair ${key} appears twice`);
    out.set(key, { domain, server: g.server, seq: g.seq });
  }
  return out;
}

/**
 * The position a binlog state stands at: per domain, the GTID with the highest sequence number (the last one written,
 * as sequence numbers grow within a domain in binlog order). A position reads as itself.
 */
export function positionOfState(s: MariaState): MariaPos {
  const out = new Map<number, DomainPos>();
  for (const g of s.values()) {
    const o = out.get(g.domain);
    if (!o || g.seq > o.seq) out.set(g.domain, { server: g.server, seq: g.seq });
  }
  return out;
}

export function formatMariaState(s: MariaState): string {
  return [...s.values()]
    .sort((a, b) => a.domain - b.domain || a.server - b.server)
    .map((g) => `${g.domain}-${g.server}-${g.seq}`)
    .join(',');
}

/**
 * Transactions in `a`'s binlog that `b` has not written: every (domain, server) pair of `a` that `b` lacks or has
 * at a lower sequence number. With `a` a replica and `b` its primary, these are the replica's errant transactions.
 */
export function subtractMariaState(a: MariaState, b: MariaState): MariaState {
  const out = new Map<string, { domain: number; server: number; seq: number }>();
  for (const [k, g] of a) {
    const o = b.get(k);
    if (!o || o.seq < g.seq) out.set(k, g);
  }
  return out;
}
