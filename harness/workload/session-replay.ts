/**
 * Replays a general log's sessions with their interleaving kept: one connection per logged session (thread id),
 * statements started in log order, a session's next statement waits for its previous one to answer. A statement that
 * does not answer is polled on the server (processlist and InnoDB lock waits) until it answers or is seen waiting for
 * a lock; then the log moves on (a later statement of another session may release it). Nothing is rolled back: the
 * sessions' own transactions commit, so a replay runs on data made for it. `serial` runs the same sessions one
 * after another instead (each closed after its last statement), the control that shows what only concurrency does.
 */
import { WaitTimeoutError, waitUntil } from '../exec/wait.js';
import { upgradeSql } from '../sql/index.js';
import type { LoggedQuery } from './query-log.js';
import { openSession, outcome, runOnce, type ReplaySide, type SessionOptions } from './statement-replay.js';

/** What one statement did in a session replay. */
export interface SessionOutcome {
  ok: boolean;
  errno?: number;
  error?: string;
  digest: string;
  rowCount: number;
  affectedRows?: number;
}

/** One session's connection on the server the sessions replay on. */
export interface SessionConn {
  /** The server's connection id (what the processlist shows). */
  id: number;
  run(q: LoggedQuery, timeoutMs: number): Promise<SessionOutcome>;
  close(): Promise<void>;
}

/** A server the sessions replay on: a connection per session, and which connections wait for a lock now. */
export interface SessionTarget {
  name: string;
  open(): Promise<SessionConn>;
  /** Of these connection ids, those waiting for a lock now, with what the server says they wait for. */
  lockWaits(ids: readonly number[]): Promise<Map<number, string>>;
  close(): Promise<void>;
}

/** A statement of the log, where it ran, and the statements of other sessions that ran inside its transaction. */
export interface ScheduledStatement extends SessionOutcome {
  index: number;
  session: string;
  sql: string;
  /** What the server said the statement waited for, when it was seen waiting for a lock. */
  waitedFor?: string;
  /** The statement did not answer within the deadline (its connection was given up). */
  stuck?: string;
  /** Other sessions' statements started since this session's transaction began (or its previous statement). */
  interleaved: Array<{ session: string; index: number; sql: string }>;
}

export interface SessionReplay {
  target: string;
  mode: 'concurrent' | 'serial';
  sessions: string[];
  statements: ScheduledStatement[];
}

export interface SessionReplayOptions {
  mode: 'concurrent' | 'serial';
  /** How long one statement may take to answer or to be seen waiting for a lock (default 60 s). */
  statementTimeoutMs?: number;
  /** Pause between two looks at a statement that has not answered (default 50 ms; the server is asked less often). */
  pollMs?: number;
}

/**
 * InnoDB refreshes what information_schema.INNODB_TRX shows only when it was last read more than 100 ms ago: reading
 * it more often freezes it, and a lock wait that began after the first look is never seen (measured on 10.11: read
 * every 50 ms, never). A server target therefore reads it at most once per this many milliseconds.
 */
const LOCK_WAITS_MIN_INTERVAL_MS = 150;

const sessionOf = (q: LoggedQuery) => q.session ?? 'log';
const opensTransaction = (sql: string) => /^\s*(START\s+TRANSACTION|BEGIN)\b/i.test(sql);
const endsTransaction = (sql: string) => /^\s*(COMMIT|ROLLBACK)\b/i.test(sql);

/** The order statements start in: the log's (concurrent), or each session whole in order of first appearance (serial). */
export function replayOrder(queries: readonly LoggedQuery[], mode: 'concurrent' | 'serial'): Array<{ q: LoggedQuery; index: number }> {
  const all = queries.map((q, index) => ({ q, index }));
  if (mode === 'concurrent') return all;
  const sessions = [...new Set(queries.map(sessionOf))];
  return sessions.flatMap((s) => all.filter((x) => sessionOf(x.q) === s));
}

interface Live {
  conn: SessionConn;
  /** The statement that has not answered yet. */
  running?: ScheduledStatement;
  /** Position in the start timeline where this session's transaction (or its previous statement) began. */
  from: number;
  inTransaction: boolean;
}

/** Replays the sessions on one server; every statement's outcome, in log order. */
export async function replaySessions(
  target: SessionTarget,
  queries: readonly LoggedQuery[],
  opts: SessionReplayOptions,
): Promise<SessionReplay> {
  const timeout = opts.statementTimeoutMs ?? 60_000;
  const poll = opts.pollMs ?? 50;
  const order = replayOrder(queries, opts.mode);
  const live = new Map<string, Live>();
  const timeline: Array<{ session: string; index: number; sql: string }> = [];
  const results: ScheduledStatement[] = [];
  const lastOf = new Map<string, number>();
  for (const [pos, { q }] of order.entries()) lastOf.set(sessionOf(q), pos);
  /** Waits for the session's statement still running to answer (its own deadline, and a little more). */
  const settle = async (s: Live, what: string) => {
    const r = s.running;
    if (!r) return;
    if (r.stuck) {
      s.running = undefined; // given up already (its connection's own deadline ends it)
      return;
    }
    try {
      await waitUntil(
        async () => s.running !== r,
        (v) => v,
        { what, timeoutMs: timeout + 5000, intervalMs: poll },
      );
    } catch (e) {
      if (!(e instanceof WaitTimeoutError)) throw e;
      r.stuck = e.message;
      s.running = undefined;
    }
  };
  try {
    for (const [pos, { q, index }] of order.entries()) {
      const sid = sessionOf(q);
      let s = live.get(sid);
      if (!s) {
        s = { conn: await target.open(), from: timeline.length, inTransaction: false };
        live.set(sid, s);
      }
      await settle(s, `session ${sid}'s statement before #${index + 1} to answer on ${target.name}`);
      const rec: ScheduledStatement = {
        index,
        session: sid,
        sql: q.sql,
        ok: false,
        digest: '',
        rowCount: 0,
        interleaved: timeline.slice(s.from).filter((t) => t.session !== sid),
      };
      results.push(rec);
      if (opensTransaction(q.sql)) s.inTransaction = true;
      if (!s.inTransaction) s.from = timeline.length;
      timeline.push({ session: sid, index, sql: q.sql });
      s.running = rec;
      const done = (o: SessionOutcome) => {
        Object.assign(rec, o);
        if (s.running === rec) s.running = undefined;
      };
      s.conn.run(q, timeout).then(done, (e: Error) => done({ ok: false, error: e.message, digest: `error ${e.message}`, rowCount: 0 }));
      if (endsTransaction(q.sql)) {
        s.inTransaction = false;
        s.from = timeline.length;
      }
      const { conn } = s;
      const live1 = s;
      try {
        const seen = await waitUntil(
          async () => (live1.running !== rec ? 'answered' : ((await target.lockWaits([conn.id])).get(conn.id) ?? '')),
          (v) => v !== '',
          {
            what: `statement #${index + 1} of session ${sid} on ${target.name} to answer or wait for a lock`,
            timeoutMs: timeout,
            intervalMs: poll,
          },
        );
        if (seen !== 'answered') rec.waitedFor = seen;
      } catch (e) {
        if (!(e instanceof WaitTimeoutError)) throw e;
        rec.stuck = e.message;
      }
      // serial: a session ends with its last statement (closing it rolls back what it left open)
      if (opts.mode === 'serial' && lastOf.get(sid) === pos) {
        await settle(s, `session ${sid}'s last statement to answer on ${target.name}`);
        await s.conn.close();
        live.delete(sid);
      }
    }
    // The log ends: idle sessions leave first (what they left open rolls back), then the rest may answer.
    const ending = [...live.values()].sort((a, b) => Number(!!a.running) - Number(!!b.running));
    for (const s of ending) {
      await settle(s, `a statement still running at the end of the log to answer on ${target.name}`);
      await s.conn.close();
    }
    live.clear();
  } finally {
    for (const s of live.values()) await s.conn.close().catch(() => undefined);
    await target.close();
  }
  return {
    target: target.name,
    mode: opts.mode,
    sessions: [...new Set(queries.map(sessionOf))],
    statements: results.sort((a, b) => a.index - b.index),
  };
}

/** A server as a session target: each session set up as the application's (SET NAMES, the session statements). */
export function serverTarget(side: ReplaySide, o: SessionOptions): SessionTarget {
  let monitor: Awaited<ReturnType<ReplaySide['connect']>> | undefined;
  let lastRead = Number.NEGATIVE_INFINITY;
  return {
    name: side.name,
    async open() {
      const s = await openSession(side, o);
      const [row] = await s.conn.query<{ id: number }>(upgradeSql.connectionId());
      return {
        id: Number(row?.id),
        async run(q, timeoutMs) {
          const r = await runOnce(s, q, false, timeoutMs);
          const { rows, medianMs: _m, timesMs: _t, columns: _c, warnings: _w, ...rest } = outcome(q, r.out, [r.ms]);
          return { ...rest, rowCount: rows.length };
        },
        close: () => s.conn.close(),
      };
    },
    async lockWaits(ids) {
      // asked again too soon: nothing new can be known, and reading now would keep InnoDB from refreshing
      if (Date.now() - lastRead < LOCK_WAITS_MIN_INTERVAL_MS) return new Map();
      monitor ??= await side.connect();
      const rows = await monitor.query<{ id: number; state: string | null; trxState: string | null }>(upgradeSql.lockWaiters(ids));
      // counted from the end of this read: InnoDB refreshes the view when it was not read for 100 ms since then (stamped
      // before the read, a next read could start 149 ms after this one began: the unit test saw it once)
      lastRead = Date.now();
      return new Map(
        rows.map((r) => [Number(r.id), r.trxState === 'LOCK WAIT' ? `a row lock (${r.state ?? 'LOCK WAIT'})` : String(r.state)]),
      );
    },
    async close() {
      await monitor?.close();
    },
  };
}
