/**
 * What changes between two versions when the team's sessions run at the same time: the same sessions replayed with
 * their interleaving (workload/session-replay.ts) on the old and on the new server, each from the same starting data,
 * and compared statement by statement. An error that appears, disappears or changes, a result that differs, a
 * deadlock or lock-wait timeout, a statement that never answered: each a finding naming its session, its statement
 * and the other sessions' statements that ran inside its transaction.
 */
import type { LoggedQuery } from '../../workload/query-log.js';
import { replaySessions, type ScheduledStatement, type SessionReplay, type SessionTarget } from '../../workload/session-replay.js';
import type { Finding } from './findings.js';

const DEADLOCK = 1213;
const LOCK_WAIT_TIMEOUT = 1205;

export interface SessionComparison {
  mode: 'concurrent' | 'serial';
  old: SessionReplay;
  new: SessionReplay;
  findings: Finding[];
}

const short = (sql: string) => (sql.length > 120 ? `${sql.slice(0, 117)}...` : sql).replace(/\s+/g, ' ');
const said = (x: ScheduledStatement) => (x.stuck ? 'never answers' : x.ok ? 'succeeds' : `fails (${x.errno ?? '-'}: ${x.error})`);
const context = (x: ScheduledStatement) =>
  x.interleaved.length
    ? `; inside its transaction ran ${x.interleaved.map((t) => `session ${t.session} #${t.index + 1} ${short(t.sql)}`).join(', ')}`
    : '';

/**
 * Compares two replays of the same sessions, statement by statement (the same log, so the same indexes): what a user
 * of the new version would see differently, and what goes wrong on both (deadlocks, lock-wait timeouts, a statement
 * that never answers), which the application must handle whatever the version.
 */
export function compareSessionReplays(a: SessionReplay, b: SessionReplay, source: string): Finding[] {
  const out: Finding[] = [];
  const under = a.mode === 'concurrent' ? 'with the sessions interleaved as logged' : 'with the sessions one at a time';
  for (const [i, x] of a.statements.entries()) {
    const y = b.statements[i];
    if (!y) continue;
    const where = `${source}: session ${x.session} statement #${x.index + 1}: ${short(x.sql)}`;
    const evidence = {
      session: x.session,
      statement: x.index + 1,
      query: x.sql,
      mode: a.mode,
      interleaved: x.interleaved,
      [a.target]: { ok: x.ok, errno: x.errno, error: x.error, waitedFor: x.waitedFor, stuck: x.stuck, digest: x.digest },
      [b.target]: { ok: y.ok, errno: y.errno, error: y.error, waitedFor: y.waitedFor, stuck: y.stuck, digest: y.digest },
    };
    const base = { source: 'replay' as const, where, evidence };
    if (!!x.stuck !== !!y.stuck || x.ok !== y.ok || (!x.ok && x.errno !== y.errno)) {
      out.push({
        ...base,
        severity: 'blocking',
        kind: 'concurrent-error',
        message: `${under}: ${a.target} ${said(x)}, ${b.target} ${said(y)}${context(y)}`,
      });
      continue;
    }
    if (x.ok && x.digest !== y.digest) {
      out.push({
        ...base,
        severity: 'blocking',
        kind: 'concurrent-result',
        message: `${under}: the result changes (${x.rowCount} rows -> ${y.rowCount}${x.affectedRows !== y.affectedRows ? `; affected rows ${x.affectedRows} -> ${y.affectedRows}` : ''})${context(y)}`,
      });
      continue;
    }
    const both = x.stuck
      ? 'never answers'
      : x.errno === DEADLOCK
        ? 'deadlock'
        : x.errno === LOCK_WAIT_TIMEOUT
          ? 'lock-wait-timeout'
          : undefined;
    if (both)
      out.push({
        ...base,
        severity: 'warning',
        kind: both === 'never answers' ? 'stuck' : both,
        message: `${under}: ${both === 'never answers' ? 'never answers' : `${said(x)}`} on both versions (the application must retry or avoid it)${context(x)}`,
      });
  }
  return out;
}

/** Replays the sessions on the old server, then on the new one (both holding the same starting data), and compares them. */
export async function replaySessionsOnBoth(
  oldT: SessionTarget,
  newT: SessionTarget,
  queries: readonly LoggedQuery[],
  opts: { mode: 'concurrent' | 'serial'; source: string; statementTimeoutMs?: number },
): Promise<SessionComparison> {
  const sides: SessionReplay[] = [];
  for (const t of [oldT, newT]) sides.push(await replaySessions(t, queries, opts));
  const [a, b] = sides as [SessionReplay, SessionReplay];
  return { mode: opts.mode, old: a, new: b, findings: compareSessionReplays(a, b, opts.source) };
}
