// Comparing two replays of the same sessions: what differs between the versions is blocking, what goes wrong on both
// (deadlock, lock-wait timeout, a statement that never answers) is a warning, and identical replays say nothing.
import { describe, expect, it } from 'vitest';
import type { ScheduledStatement, SessionReplay } from '../../workload/session-replay.js';
import { compareSessionReplays } from './concurrent-replay.js';

const stmt = (index: number, session: string, sql: string, o: Partial<ScheduledStatement> = {}): ScheduledStatement => ({
  index,
  session,
  sql,
  ok: true,
  digest: 'd',
  rowCount: 0,
  interleaved: [],
  ...o,
});
const replay = (target: string, statements: ScheduledStatement[]): SessionReplay => ({
  target,
  mode: 'concurrent',
  sessions: ['1', '2'],
  statements,
});
const inside = [{ session: '2', index: 1, sql: 'UPDATE t SET v = 1 WHERE id = 1' }];

describe('compareSessionReplays', () => {
  it('identical outcomes: no finding', () => {
    const a = replay('old', [stmt(0, '1', 'SELECT 1'), stmt(1, '2', 'UPDATE t SET v = 1 WHERE id = 1')]);
    expect(compareSessionReplays(a, { ...a, target: 'new' }, 'g.log')).toEqual([]);
  });

  it('an error only the new version raises is blocking and names the session, the statement and what ran inside its transaction', () => {
    const a = replay('old', [stmt(2, '1', 'UPDATE t SET v = 2 WHERE id = 1', { interleaved: inside })]);
    const b = replay('new', [
      stmt(2, '1', 'UPDATE t SET v = 2 WHERE id = 1', {
        ok: false,
        errno: 1020,
        error: 'Record has changed since last read',
        interleaved: inside,
      }),
    ]);
    const f = compareSessionReplays(a, b, 'g.log');
    expect(f.map((x) => [x.severity, x.kind, x.where])).toEqual([
      ['blocking', 'concurrent-error', 'g.log: session 1 statement #3: UPDATE t SET v = 2 WHERE id = 1'],
    ]);
    expect(f[0]!.message).toBe(
      'with the sessions interleaved as logged: old succeeds, new fails (1020: Record has changed since last read); inside its transaction ran session 2 #2 UPDATE t SET v = 1 WHERE id = 1',
    );
  });

  it('a different result is blocking; a deadlock on both versions is a warning; a statement stuck on one side only is blocking', () => {
    const a = replay('old', [
      stmt(0, '1', 'SELECT v FROM t', { digest: 'x', rowCount: 1 }),
      stmt(1, '2', 'UPDATE t SET v = 3', { ok: false, errno: 1213, error: 'Deadlock found' }),
      stmt(2, '2', 'SELECT 2'),
    ]);
    const b = replay('new', [
      stmt(0, '1', 'SELECT v FROM t', { digest: 'y', rowCount: 1 }),
      stmt(1, '2', 'UPDATE t SET v = 3', { ok: false, errno: 1213, error: 'Deadlock found' }),
      stmt(2, '2', 'SELECT 2', { stuck: 'timed out' }),
    ]);
    expect(compareSessionReplays(a, b, 'g.log').map((x) => [x.severity, x.kind])).toEqual([
      ['blocking', 'concurrent-result'],
      ['warning', 'deadlock'],
      ['blocking', 'concurrent-error'],
    ]);
  });
});
