import { formatMariaPos, formatMariaState, mariaDomainDifferences, mariaLeq, parseMariaPos, parseMariaState, subtractMariaState } from './gtid.js';
import { formatMysqlSet, isSubset, parseMysqlSet, subtract, union } from './gtid-mysql.js';

export interface GtidDifference { source: string; expected?: string; actual?: string }

/** What procedures and checkers need of a flavor's GTID format. */
export interface GtidAlgebra {
  /** Transactions in `a` that `b` lacks, formatted ('' when none). */
  subtract(a: string, b: string): string;
  /** Who wrote each transaction of a set (MariaDB: server id; MySQL: source uuid). */
  writers(set: string): string[];
  /** Where two positions/sets differ, per domain (MariaDB) or per source uuid (MySQL). Throws on a bad format. */
  differences(expected: string, actual: string): GtidDifference[];
  /** The position after also applying `gtid` (MariaDB: its domain moves to it; MySQL: set union). */
  advance(pos: string, gtid: string): string;
  /** Whether a position/set contains a transaction. */
  contains(pos: string, gtid: string): boolean;
  /** How many transactions `to` has beyond `from` (`from` ≤ `to`). */
  transactionsBetween(from: string, to: string): number;
}

/** MariaDB GTID positions (domain-server-seq per domain) and binlog states. */
export const mariadbGtid: GtidAlgebra = {
  subtract: (a, b) => formatMariaState(subtractMariaState(parseMariaState(a), parseMariaState(b))),
  writers: (set) => [...parseMariaState(set).values()].map((g) => String(g.server)),
  differences: (e, a) => mariaDomainDifferences(parseMariaPos(e), parseMariaPos(a))
    .map((d) => ({ source: `domain ${d.domain}`, expected: d.expected, actual: d.actual })),
  advance: (pos, gtid) => {
    const p = new Map(parseMariaPos(pos));
    for (const [d, g] of parseMariaPos(gtid)) p.set(d, g);
    return formatMariaPos(p);
  },
  contains: (pos, gtid) => mariaLeq(parseMariaPos(gtid), parseMariaPos(pos)),
  // Sequence numbers are consecutive within a domain.
  transactionsBetween: (from, to) => {
    const f = parseMariaPos(from);
    return [...parseMariaPos(to)].reduce((n, [d, g]) => n + g.seq - (f.get(d)?.seq ?? 0), 0);
  },
};

/** MySQL GTID sets (uuid[:tag]:intervals). */
export const mysqlGtid: GtidAlgebra = {
  subtract: (a, b) => formatMysqlSet(subtract(parseMysqlSet(a), parseMysqlSet(b))),
  writers: (set) => [...new Set([...parseMysqlSet(set).keys()].map((k) => k.split(':')[0]!))],
  differences: (e, a) => {
    const pe = parseMysqlSet(e);
    const pa = parseMysqlSet(a);
    const out: GtidDifference[] = [];
    for (const k of [...new Set([...pe.keys(), ...pa.keys()])].sort()) {
      const fe = pe.has(k) ? formatMysqlSet(new Map([[k, pe.get(k)!]])) : undefined;
      const fa = pa.has(k) ? formatMysqlSet(new Map([[k, pa.get(k)!]])) : undefined;
      if (fe !== fa) out.push({ source: k, expected: fe, actual: fa });
    }
    return out;
  },
  advance: (pos, gtid) => formatMysqlSet(union(parseMysqlSet(pos), parseMysqlSet(gtid))),
  contains: (pos, gtid) => isSubset(parseMysqlSet(gtid), parseMysqlSet(pos)),
  transactionsBetween: (from, to) => [...subtract(parseMysqlSet(to), parseMysqlSet(from)).values()]
    .reduce((n, iv) => n + iv.reduce((m, [a, b]) => m + b - a + 1, 0), 0),
};
