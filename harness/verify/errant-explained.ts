/**
 * Errant transactions a server writes by itself, explained by a rule instead of reported bare (F39). The first time a
 * server opens a MEMORY table after it starts, it writes a generated `TRUNCATE TABLE` (older servers `DELETE FROM`) to
 * its own binary log under its own GTID, even when read_only: a restarted replica therefore holds a transaction its
 * primary never wrote. It is errant (a GTID failover would carry it), so it stays a finding, with the rule's
 * severity, advice and source; every other errant transaction stays a difference.
 */
import type { GtidAlgebra } from '../core/index.js';
import { inspect } from '../sql/index.js';
import type { Queryable } from './check.js';
import { comparisonRules, ruleFinding, ruleOfKind, type Explained } from './equivalence.js';

/** One errant transaction as the server's binary log holds it: its GTID and the statements it ran. */
export interface ErrantTransaction {
  gtid: string;
  /** The Info of each Query event, BEGIN and COMMIT left out. */
  statements: string[];
  /** The transaction also holds row events (a write the server made from a client's or an applier's statement). */
  rowEvents: boolean;
}

/** `use `db`; ` and comments as SHOW BINLOG EVENTS may show them around a statement. */
const bare = (info: string) =>
  info
    .replace(/^use `(?:[^`]|``)*`;\s*/i, '')
    .replace(/\/\*.*?\*\//gs, '')
    .trim();
const unquote = (id: string) => id.slice(1, -1).replace(/``/g, '`');
const ROW_EVENT = /^(Table_map|Write_rows|Update_rows|Delete_rows|Rows_query)/i;

/**
 * The errant transactions in a server's binary logs: every transaction whose GTID the primary's set lacks, with its
 * statements. Reads SHOW BINLOG EVENTS of every file (only asked when errant transactions exist).
 */
async function errantInBinlog(q: Queryable, algebra: GtidAlgebra, primarySet: string): Promise<ErrantTransaction[]> {
  const out: ErrantTransaction[] = [];
  let current: ErrantTransaction | undefined;
  for (const f of await q.query<{ Log_name: string }>(inspect.binaryLogs())) {
    for (const e of await q.query<{ Event_type: string; Info: string }>(inspect.binlogEvents(String(f.Log_name)))) {
      const [type, info] = [String(e.Event_type), String(e.Info ?? '')];
      const g = inspect.gtidOfBinlogEvent(type, info);
      if (g) {
        current = algebra.subtract(g, primarySet) ? { gtid: g, statements: [], rowEvents: false } : undefined;
        if (current) out.push(current);
      } else if (current && /^Query$/i.test(type) && !/^(BEGIN|COMMIT)$/i.test(bare(info))) current.statements.push(info);
      else if (current && ROW_EVENT.test(type)) current.rowEvents = true;
    }
  }
  return out;
}

/** The table a generated emptying statement names, when the transaction is that statement alone and a rule says so. */
function generatedEmptying(t: ErrantTransaction, rules = comparisonRules()) {
  if (t.rowEvents || t.statements.length !== 1) return undefined;
  for (const rule of ruleOfKind('generated-errant-statement', rules)) {
    const m = new RegExp(rule.statement).exec(bare(t.statements[0]!));
    if (m?.[1] && m[2]) return { rule, db: unquote(m[1]), table: unquote(m[2]) };
  }
  return undefined;
}

/**
 * Which errant transactions a rule explains (a generated statement on a table of the rule's engine on this server)
 * and which GTIDs stay unexplained. `engineOf` answers a table's engine on the server that wrote them.
 */
function explainErrant(
  server: string,
  found: readonly ErrantTransaction[],
  engineOf: (db: string, table: string) => string | undefined,
  rules = comparisonRules(),
): { explained: Explained[]; unexplained: string[] } {
  const explained: Explained[] = [];
  const unexplained: string[] = [];
  for (const t of found) {
    const g = generatedEmptying(t, rules);
    if (!g || engineOf(g.db, g.table)?.toUpperCase() !== g.rule.engine.toUpperCase()) {
      unexplained.push(t.gtid);
      continue;
    }
    explained.push({
      database: g.db,
      object: g.table,
      kind: 'errant-transactions',
      ...ruleFinding(g.rule),
      expected: `no transaction of ${server}'s own`,
      actual: `${t.gtid}: ${bare(t.statements[0]!)}`,
    });
  }
  return { explained, unexplained };
}

/** The engine of every table a set of transactions names, read from the server (information_schema.TABLES). */
async function enginesOf(q: Queryable, found: readonly ErrantTransaction[], rules = comparisonRules()) {
  const dbs = [...new Set(found.map((t) => generatedEmptying(t, rules)?.db).filter((d): d is string => !!d))];
  const engines = new Map<string, string>();
  for (const db of dbs)
    for (const t of await q.query<{ name: string; engine: string | null }>(inspect.listTables(db)))
      if (t.engine) engines.set(`${db}.${t.name}`, String(t.engine));
  return (db: string, table: string) => engines.get(`${db}.${table}`);
}

/**
 * A server's own transactions (those `base` lacks) as its binary log holds them, and which of them a rule explains:
 * what the errant check of a replica and the point check of a restored server both ask.
 */
export async function ownTransactionsExplained(q: Queryable & { name: string }, algebra: GtidAlgebra, base: string) {
  const found = await errantInBinlog(q, algebra, base);
  return { found, ...explainErrant(q.name, found, await enginesOf(q, found)) };
}
