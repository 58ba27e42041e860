/**
 * The statement executor of a query replay: a session set up as an application's would be (`SET NAMES <charset>`
 * without a collation, so each server's own default collation applies, then the user's session statements), each
 * statement run with a deadline, reads timed over several runs alternating sides, writes inside a transaction that
 * is rolled back, and EXPLAIN. It measures; comparing two servers' outcomes is verify/upgrade/replay.ts's job.
 */
import { createHash } from 'node:crypto';
import type { Connection } from '../runtime/connection.js';
import { upgradeSql } from '../sql/index.js';
import { ordersRows, type LoggedQuery } from './query-log.js';

export interface ReplaySide {
  name: string;
  connect(): Promise<Connection>;
}

/** How a replay session is set up. */
export interface SessionOptions {
  /** Character set the sessions name. */
  charset: string;
  /** Statements the application runs at connect (e.g. SET SESSION sql_mode = …), after SET NAMES. */
  session?: readonly string[];
}

/** One statement's outcome on one side: its result (rows sorted unless the statement orders them), or its error. */
export interface StatementOutcome {
  ok: boolean;
  errno?: number;
  error?: string;
  columns: string[];
  rows: string[];
  digest: string;
  affectedRows?: number;
  warnings: string[];
  medianMs: number;
  timesMs: number[];
}

const canon = (v: unknown): unknown => (Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : v);
const rowText = (r: unknown[]) => JSON.stringify(r.map(canon));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0;
};
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Opens a session on one side, set up as the application's. */
export async function openSession(side: ReplaySide, o: SessionOptions) {
  const conn = await side.connect();
  try {
    await conn.query(upgradeSql.setNames(o.charset));
    for (const s of o.session ?? []) await conn.query({ sql: s });
    const r = (await conn.query<{ collation: string; sqlMode: string }>(upgradeSql.sessionCollation()))[0]!;
    const reopen = () => openSession(side, o);
    return { conn, collation: String(r.collation), sqlMode: String(r.sqlMode), db: undefined as string | undefined, reopen };
  } catch (e) {
    await conn.close();
    throw e;
  }
}

export type ReplaySession = Awaited<ReturnType<typeof openSession>>;

export async function runOnce(
  s: ReplaySession,
  q: LoggedQuery,
  write: boolean,
  timeout: number,
): Promise<{ out: Omit<StatementOutcome, 'medianMs' | 'timesMs'>; ms: number }> {
  // A statement past its deadline took its connection with it: the next one gets a new session, set up the same way.
  if (s.conn.lost) Object.assign(s, await s.reopen());
  if (q.db && q.db !== s.db) {
    await s.conn.query(upgradeSql.useDatabase(q.db));
    s.db = q.db;
  }
  if (write) await s.conn.query(upgradeSql.begin());
  const t0 = process.hrtime.bigint();
  let res: Omit<StatementOutcome, 'medianMs' | 'timesMs'>;
  try {
    const { rows, columns } = await s.conn.result({ sql: q.sql }, { rowsAsArray: true, timeoutMs: timeout });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const list = Array.isArray(rows) ? (rows as unknown[][]).map(rowText) : [];
    const affectedRows = Array.isArray(rows) ? undefined : (rows as { affectedRows?: number }).affectedRows;
    res = { ok: true, columns, rows: list, digest: '', affectedRows, warnings: [] };
    const w = await s.conn.query<{ Level: string; Code: number; Message: string }>(upgradeSql.showWarnings());
    res.warnings = w.map((x) => `${x.Level} ${x.Code}: ${x.Message}`);
    if (write) await s.conn.query(upgradeSql.rollback());
    return { out: res, ms };
  } catch (e) {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (write && !s.conn.lost) await s.conn.query(upgradeSql.rollback()).catch(() => undefined);
    const err = e as { errno?: number; message?: string };
    return { out: { ok: false, errno: err.errno, error: err.message ?? String(e), columns: [], rows: [], digest: '', warnings: [] }, ms };
  }
}

export function outcome(q: LoggedQuery, first: Omit<StatementOutcome, 'medianMs' | 'timesMs'>, times: number[]): StatementOutcome {
  const rows = ordersRows(q.sql) ? first.rows : [...first.rows].sort();
  const digest = first.ok ? sha(JSON.stringify([first.columns, rows, first.affectedRows ?? null])) : sha(`error ${first.errno}`);
  return { ...first, rows, digest, medianMs: median(times), timesMs: times };
}

/**
 * Runs a statement on both sides. A read runs once on each side to warm caches (not timed), then `runs` times,
 * alternating sides so that load on the machine falls on both alike; a write runs once, rolled back.
 */
export async function measurePair(
  a: ReplaySession,
  b: ReplaySession,
  q: LoggedQuery,
  write: boolean,
  runs: number,
  timeout: number,
): Promise<[StatementOutcome, StatementOutcome]> {
  if (write) {
    const x = await runOnce(a, q, true, timeout);
    const y = await runOnce(b, q, true, timeout);
    return [outcome(q, x.out, [x.ms]), outcome(q, y.out, [y.ms])];
  }
  const fa = await runOnce(a, q, false, timeout);
  const fb = await runOnce(b, q, false, timeout);
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    ta.push((await runOnce(a, q, false, timeout)).ms);
    tb.push((await runOnce(b, q, false, timeout)).ms);
  }
  return [outcome(q, fa.out, ta), outcome(q, fb.out, tb)];
}

export async function explainRows(s: ReplaySession, sql: string): Promise<string[] | string> {
  try {
    if (s.conn.lost) Object.assign(s, await s.reopen());
    const rows = await s.conn.query(upgradeSql.explain(sql));
    return rows.map((r) => `${r['table']}:${r['type']}:${r['key'] ?? '-'}`);
  } catch (e) {
    return `EXPLAIN failed: ${(e as Error).message}`;
  }
}
