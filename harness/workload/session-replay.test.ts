// The scheduling of a concurrent session replay, on a fake server whose statements take row locks: a statement that
// waits for a lock is seen waiting (polled, never slept on) and the log moves on; the session holding the lock
// releases it; a session's next statement waits for its previous one; the serial control never interleaves.
import { describe, expect, it } from 'vitest';
import type { LoggedQuery } from './query-log.js';
import { replayOrder, replaySessions, serverTarget, type SessionConn, type SessionOutcome, type SessionTarget } from './session-replay.js';
import type { ReplaySide } from './statement-replay.js';

/** A fake server: `LOCK k` takes row lock k until the session's COMMIT (or its close); `HANG` never answers. */
function fakeServer() {
  const owner = new Map<string, number>();
  const waiters: Array<{ id: number; key: string; wake: () => void }> = [];
  const log: string[] = [];
  let next = 100;
  const release = (id: number) => {
    for (const [k, o] of owner) if (o === id) owner.delete(k);
    for (const w of [...waiters])
      if (!owner.has(w.key)) {
        owner.set(w.key, w.id);
        waiters.splice(waiters.indexOf(w), 1);
        w.wake();
      }
  };
  const ok = (): SessionOutcome => ({ ok: true, digest: 'ok', rowCount: 0 });
  const target: SessionTarget = {
    name: 'fake',
    async open(): Promise<SessionConn> {
      const id = next++;
      return {
        id,
        run: (q: LoggedQuery) => {
          log.push(`${id} start ${q.sql}`);
          const lock = /^LOCK (\w+)/.exec(q.sql);
          if (q.sql === 'HANG') return new Promise<SessionOutcome>(() => undefined);
          if (/^COMMIT/.test(q.sql)) release(id);
          if (!lock || owner.get(lock[1]!) === undefined || owner.get(lock[1]!) === id) {
            if (lock) owner.set(lock[1]!, id);
            log.push(`${id} done ${q.sql}`);
            return Promise.resolve(ok());
          }
          return new Promise((resolve) => {
            const wake = () => {
              log.push(`${id} done ${q.sql}`);
              resolve(ok());
            };
            waiters.push({ id, key: lock[1]!, wake });
          });
        },
        close: async () => release(id),
      };
    },
    lockWaits: async (ids) => new Map(waiters.filter((w) => ids.includes(w.id)).map((w) => [w.id, `row lock ${w.key}`])),
    close: async () => undefined,
  };
  return { target, log };
}

const q = (session: string, sql: string): LoggedQuery => ({ sql, session, source: 'log' });
const log = [
  q('11', 'START TRANSACTION'),
  q('11', 'LOCK a'),
  q('12', 'LOCK a'), // waits for 11
  q('13', 'SELECT 1'), // runs while 12 waits
  q('11', 'COMMIT'), // releases 12
  q('12', 'SELECT 2'), // after 12's LOCK answered
];

describe('concurrent session replay: scheduling', () => {
  it('a statement that waits for a lock is seen waiting, the log moves on, and it answers once the holder commits', async () => {
    const { target, log: seen } = fakeServer();
    const r = await replaySessions(target, log, { mode: 'concurrent', pollMs: 5, statementTimeoutMs: 2000 });
    expect(r.sessions).toEqual(['11', '12', '13']);
    expect(r.statements.map((s) => [s.session, s.sql, s.ok, s.waitedFor ?? null])).toEqual([
      ['11', 'START TRANSACTION', true, null],
      ['11', 'LOCK a', true, null],
      ['12', 'LOCK a', true, 'row lock a'],
      ['13', 'SELECT 1', true, null],
      ['11', 'COMMIT', true, null],
      ['12', 'SELECT 2', true, null],
    ]);
    // 13 started while 12 still waited; 12's next statement started only after its LOCK answered
    expect(seen.indexOf('102 start SELECT 1')).toBeLessThan(seen.indexOf('101 done LOCK a'));
    expect(seen.indexOf('101 done LOCK a')).toBeLessThan(seen.indexOf('101 start SELECT 2'));
    // the statements of other sessions inside 11's transaction are named with it
    expect(r.statements[4]!.interleaved.map((t) => [t.session, t.sql])).toEqual([
      ['12', 'LOCK a'],
      ['13', 'SELECT 1'],
    ]);
  });

  it('serial: each session whole, in order of first appearance, closed after its last statement: nothing waits', async () => {
    expect(replayOrder(log, 'serial').map((x) => x.index)).toEqual([0, 1, 4, 2, 5, 3]);
    const { target } = fakeServer();
    const r = await replaySessions(target, log, { mode: 'serial', pollMs: 5, statementTimeoutMs: 2000 });
    expect(r.statements.filter((s) => s.waitedFor || s.stuck)).toEqual([]);
    expect(r.statements.every((s) => s.ok && s.interleaved.length === 0)).toBe(true);
  });

  it('a session left holding a lock at the end of the log is closed first, so the one waiting for it answers', async () => {
    const { target } = fakeServer();
    const r = await replaySessions(target, [q('1', 'START TRANSACTION'), q('1', 'LOCK k'), q('2', 'LOCK k')], {
      mode: 'concurrent',
      pollMs: 5,
      statementTimeoutMs: 2000,
    });
    expect(r.statements[2]).toMatchObject({ ok: true, waitedFor: 'row lock k' });
    expect(r.statements[2]!.stuck).toBeUndefined();
  });

  it('a statement that neither answers nor waits for a lock is stuck past its deadline, naming what it waited for', async () => {
    const { target } = fakeServer();
    const r = await replaySessions(target, [q('1', 'HANG'), q('2', 'SELECT 1')], {
      mode: 'concurrent',
      pollMs: 5,
      statementTimeoutMs: 100,
    });
    expect(r.statements[0]!.stuck).toMatch(
      /timed out after 100 ms waiting for statement #1 of session 1 on fake to answer or wait for a lock/,
    );
    expect(r.statements[1]).toMatchObject({ ok: true });
  });
});

describe("a server target's look at lock waits", () => {
  it('reads INNODB_TRX at most once per 150 ms, so InnoDB refreshes it between two reads', async () => {
    const reads: number[] = [];
    const side = {
      name: 'server',
      connect: async () => ({
        query: async () => {
          reads.push(Date.now());
          return [{ id: 7, state: 'updating', trxState: 'LOCK WAIT' }];
        },
        close: async () => undefined,
      }),
    } as unknown as ReplaySide;
    const target = serverTarget(side, { charset: 'utf8mb4' });
    const first = await target.lockWaits([7]);
    const again = await target.lockWaits([7]);
    expect(first.get(7)).toMatch(/row lock/);
    expect(again.size).toBe(0);
    expect(reads).toHaveLength(1);
    const t0 = Date.now();
    let seen: Map<number, string> = new Map();
    while (!seen.size && Date.now() - t0 < 2000) seen = await target.lockWaits([7]);
    expect(reads).toHaveLength(2);
    expect(reads[1]! - reads[0]!).toBeGreaterThanOrEqual(150);
    await target.close();
  });
});
