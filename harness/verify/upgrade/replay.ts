/**
 * Query replay on both versions (pt-upgrade's job): every read runs on the old and on the new server holding the
 * same data, several times; results (row multiset, or row order where the query orders), errors, warnings, median
 * time and EXPLAIN are compared, and every difference is a finding. The statements run through the workload's
 * executor (workload/statement-replay.ts): writes inside a transaction that is rolled back, sessions set up as an
 * application's would be.
 */
import { isRead, isTransactionalWrite, ordersRows, type LoggedQuery } from '../../workload/query-log.js';
import { explainRows, measurePair, openSession, type ReplaySide, type StatementOutcome } from '../../workload/statement-replay.js';
import type { Finding } from './findings.js';
import { judgeResultChange, type RowsNotCarried } from './replay-limits.js';

export interface ReplayOptions {
  /** Timed runs of each read per side, after one warm-up run, alternating sides; the medians are compared (default 5). */
  runs?: number;
  /**
   * A read is slower when its new median exceeds the old one by this factor AND by `slowMinMs` (defaults 2 and
   * 25 ms), and its second-fastest new run is slower than the second-slowest old one (noise on a shared machine
   * moves single runs, rarely most of them).
   */
  slowFactor?: number;
  slowMinMs?: number;
  /** Character set the sessions name (default utf8mb4). */
  charset?: string;
  /** Statements the application runs at connect (e.g. SET SESSION sql_mode = …), after SET NAMES. */
  session?: readonly string[];
  /** Per-statement timeout (default 60 s). */
  queryTimeoutMs?: number;
  /** Tables whose rows a side does not hold by the method (MEMORY rows after a physical copy or a restart): a changed
   * result of a statement reading one is a note, not a blocking finding (replay-limits.ts). */
  rowsNotCarried?: readonly RowsNotCarried[];
}

/** What a comparison keeps of one side once compared: the digest and the row count, not the rows (a long log of
 * large results would otherwise be held in memory to the end). */
type Kept = Omit<StatementOutcome, 'rows'> & { rowCount: number };
const kept = ({ rows, ...rest }: StatementOutcome): Kept => ({ ...rest, rowCount: rows.length });

interface QueryComparison {
  sql: string;
  db?: string;
  kind: 'read' | 'write' | 'skipped';
  old?: Kept;
  new?: Kept;
  differences: string[];
}

export interface ReplayReport {
  sessions: Record<string, { collation: string; sqlMode: string }>;
  queries: number;
  replayed: number;
  /** Statements that fail with the same error on both servers: replayed, but nothing to compare. */
  failedOnBoth: number;
  skipped: Array<{ sql: string; why: string }>;
  comparisons: QueryComparison[];
  findings: Finding[];
}

/** The second-fastest and second-slowest of several runs (the extremes with 3 runs or fewer): one outlier per side
 * (a load spike on a shared machine) does not decide. */
const lowEnd = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length > 3 ? s[1]! : (s[0] ?? 0);
};
const highEnd = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length > 3 ? s[s.length - 2]! : (s[s.length - 1] ?? 0);
};
function firstDifferingRow(a: string[], b: string[]): { index: number; old: string | null; new: string | null } | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return { index: i, old: a[i] ?? null, new: b[i] ?? null };
  return undefined;
}

const short = (sql: string) => (sql.length > 160 ? `${sql.slice(0, 157)}...` : sql).replace(/\s+/g, ' ');

/** Replays the queries on both sides and returns every difference as a finding (never stops at the first). */
export async function replayQueries(
  oldSide: ReplaySide,
  newSide: ReplaySide,
  queries: readonly LoggedQuery[],
  opts: ReplayOptions = {},
): Promise<ReplayReport> {
  const o = { runs: 5, slowFactor: 2, slowMinMs: 25, charset: 'utf8mb4', queryTimeoutMs: 60_000, ...opts };
  const a = await openSession(oldSide, o);
  const b = await openSession(newSide, o).catch(async (e) => {
    await a.conn.close();
    throw e;
  });
  const report: ReplayReport = {
    sessions: {
      [oldSide.name]: { collation: a.collation, sqlMode: a.sqlMode },
      [newSide.name]: { collation: b.collation, sqlMode: b.sqlMode },
    },
    queries: queries.length,
    replayed: 0,
    failedOnBoth: 0,
    skipped: [],
    comparisons: [],
    findings: [],
  };
  try {
    for (const q of queries) {
      const read = isRead(q.sql);
      if (!read && !isTransactionalWrite(q.sql)) {
        report.skipped.push({ sql: short(q.sql), why: 'not a read and not a DML write a transaction can undo (DDL, SET, administration)' });
        continue;
      }
      const [before, after] = await measurePair(a, b, q, !read, o.runs, o.queryTimeoutMs);
      report.replayed++;
      const cmp: QueryComparison = {
        sql: q.sql,
        db: q.db,
        kind: read ? 'read' : 'write',
        old: kept(before),
        new: kept(after),
        differences: [],
      };
      const base = { source: 'replay' as const, where: `${q.source}: ${short(q.sql)}` };
      const digests = { old: before.digest, new: after.digest };
      if (!before.ok && !after.ok && before.errno === after.errno) {
        report.failedOnBoth++;
        report.findings.push({
          ...base,
          severity: 'info',
          kind: 'fails-on-both',
          message: `not compared: fails the same way on both servers (${before.errno}: ${before.error})`,
          evidence: { query: q.sql, db: q.db },
        });
      }
      if (before.ok !== after.ok || (!before.ok && before.errno !== after.errno)) {
        cmp.differences.push('error');
        report.findings.push({
          ...base,
          severity: 'blocking',
          kind: 'error',
          message: `error changes: ${oldSide.name} ${before.ok ? 'succeeds' : `fails (${before.errno}: ${before.error})`}, ${newSide.name} ${after.ok ? 'succeeds' : `fails (${after.errno}: ${after.error})`}`,
          evidence: { query: q.sql, db: q.db, digests },
        });
      } else if (before.ok && before.digest !== after.digest) {
        cmp.differences.push('result');
        const first = firstDifferingRow(before.rows, after.rows);
        const changed: Finding = {
          ...base,
          severity: 'blocking',
          kind: 'result',
          message: `result changes (${before.rows.length} rows -> ${after.rows.length}; ${ordersRows(q.sql) ? 'ordered' : 'as a multiset'}); first differing row #${first?.index ?? '?'}: ${first?.old ?? '(none)'} -> ${first?.new ?? '(none)'}${before.columns.join() !== after.columns.join() ? `; columns ${before.columns.join(',')} -> ${after.columns.join(',')}` : ''}${before.affectedRows !== after.affectedRows ? `; affected rows ${before.affectedRows} -> ${after.affectedRows}` : ''}`,
          evidence: { query: q.sql, db: q.db, digests, firstDifferingRow: first, collations: report.sessions },
        };
        report.findings.push(judgeResultChange(changed, q.sql, q.db, o.rowsNotCarried ?? []));
      }
      const wa = [...before.warnings].sort().join('\n');
      const wb = [...after.warnings].sort().join('\n');
      if (wa !== wb) {
        cmp.differences.push('warnings');
        report.findings.push({
          ...base,
          severity: 'warning',
          kind: 'warnings',
          message: `warnings change: [${before.warnings.join('; ') || 'none'}] -> [${after.warnings.join('; ') || 'none'}]`,
          evidence: { query: q.sql, digests },
        });
      }
      if (read && before.ok && after.ok) {
        const slower =
          after.medianMs > before.medianMs * o.slowFactor &&
          after.medianMs - before.medianMs > o.slowMinMs &&
          lowEnd(after.timesMs) > highEnd(before.timesMs);
        const planOld = await explainRows(a, q.sql);
        const planNew = await explainRows(b, q.sql);
        const planChanged = JSON.stringify(planOld) !== JSON.stringify(planNew);
        if (slower) {
          cmp.differences.push('time');
          report.findings.push({
            ...base,
            severity: 'warning',
            kind: 'time',
            message: `slower: median ${before.medianMs.toFixed(1)} ms -> ${after.medianMs.toFixed(1)} ms over ${o.runs} runs each (threshold: median x${o.slowFactor} and +${o.slowMinMs} ms, the second-fastest new run slower than the second-slowest old one)${planChanged ? `; plan ${JSON.stringify(planOld)} -> ${JSON.stringify(planNew)}` : ''}`,
            evidence: { query: q.sql, timesMs: { old: before.timesMs, new: after.timesMs }, plan: { old: planOld, new: planNew } },
          });
        } else if (planChanged) {
          cmp.differences.push('plan');
          report.findings.push({
            ...base,
            severity: 'info',
            kind: 'plan',
            message: `plan changes (time within threshold: ${before.medianMs.toFixed(1)} -> ${after.medianMs.toFixed(1)} ms): ${JSON.stringify(planOld)} -> ${JSON.stringify(planNew)}`,
            evidence: { query: q.sql, plan: { old: planOld, new: planNew } },
          });
        }
      }
      report.comparisons.push(cmp);
    }
  } finally {
    await a.conn.close();
    await b.conn.close();
  }
  if (report.replayed > 0 && report.failedOnBoth === report.replayed) {
    report.findings.push({
      severity: 'warning',
      source: 'replay',
      kind: 'nothing-compared',
      where: queries[0]?.source ?? 'queries',
      message: `the replay compared nothing: all ${report.replayed} replayed statements fail on both servers (are they written for this data set?)`,
    });
  }
  return report;
}
