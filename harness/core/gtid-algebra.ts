import {
  formatMariaPos,
  formatMariaState,
  mariaDomainDifferences,
  mariaLeq,
  parseMariaPos,
  parseMariaState,
  positionOfState,
  subtractMariaState,
} from './gtid.js';
import { formatMysqlSet, isSubset, parseMysqlSet, subtract, union } from './gtid-mysql.js';

/** `from` is not contained in `to`: no count of transactions between them exists (histories diverged or reversed). */
export class GtidOrderError extends Error {
  constructor(from: string, to: string) {
    super(`GTID position '${from}' is not contained in '${to}': no transaction count between them`);
    this.name = 'GtidOrderError';
  }
}

interface GtidDifference {
  source: string;
  expected?: string;
  actual?: string;
}

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
  /**
   * How many transactions `to` has beyond `from`. Throws when `from` is not contained in `to` (never a negative
   * count). MySQL sets name every transaction, so the count is exact. A MariaDB position names only the last
   * transaction per domain and sequence numbers need not be consecutive (gtid_seq_no, several writers), so it
   * counts the GTIDs of `committed` (the transactions read from the binlog) that are in `to` and not in `from`,
   * and throws without them.
   */
  transactionsBetween(from: string, to: string, committed?: readonly string[]): number;
}

/** MariaDB GTID positions (domain-server-seq per domain) and binlog states. */
export const mariadbGtid: GtidAlgebra = {
  subtract: (a, b) => formatMariaState(subtractMariaState(parseMariaState(a), parseMariaState(b))),
  writers: (set) => [...parseMariaState(set).values()].map((g) => String(g.server)),
  differences: (e, a) =>
    mariaDomainDifferences(parseMariaPos(e), parseMariaPos(a)).map((d) => ({
      source: `domain ${d.domain}`,
      expected: d.expected,
      actual: d.actual,
    })),
  advance: (pos, gtid) => {
    const p = new Map(parseMariaPos(pos));
    for (const [d, g] of parseMariaPos(gtid)) p.set(d, g);
    return formatMariaPos(p);
  },
  // `pos` may be a binlog state (gtid_binlog_state: a server that wrote after a replay or a restart adds its own entry)
  contains: (pos, gtid) => mariaLeq(parseMariaPos(gtid), positionOfState(parseMariaState(pos))),
  transactionsBetween: (from, to, committed) => {
    const f = parseMariaPos(from);
    const t = parseMariaPos(to);
    if (!mariaLeq(f, t)) throw new GtidOrderError(from, to);
    if (!committed)
      throw new Error(
        `counting the transactions between ${from} and ${to} needs the GTIDs committed (MariaDB sequence numbers need not be consecutive)`,
      );
    return committed.filter((g) => {
      const p = parseMariaPos(g);
      return mariaLeq(p, t) && !mariaLeq(p, f);
    }).length;
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
  transactionsBetween: (from, to) => {
    if (!isSubset(parseMysqlSet(from), parseMysqlSet(to))) throw new GtidOrderError(from, to);
    return [...subtract(parseMysqlSet(to), parseMysqlSet(from)).values()].reduce(
      (n, iv) => n + iv.reduce((m, [a, b]) => m + b - a + 1, 0),
      0,
    );
  },
};
