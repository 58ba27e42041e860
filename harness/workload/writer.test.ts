import { describe, expect, it } from 'vitest';
import { waitUntil } from '../exec/index.js';
import type { Connection } from '../runtime/connection.js';
import type { Statement } from '../sql/index.js';
import { WriteWorkload, type WriteTarget } from './writer.js';

/** A server that takes every INSERT and remembers which writer's connection sent it, and when. */
function target(name: string) {
  const t = {
    name,
    writes: [] as Array<{ id: number; writer: number; at: number }>,
    closed: 0,
    async connect(): Promise<Connection> {
      return {
        query: async (s: Statement) => {
          if (s.sql.startsWith('INSERT')) t.writes.push({ id: Number(s.values?.[0]), writer: Number(s.values?.[1]), at: Date.now() });
          return [];
        },
        close: async () => {
          t.closed++;
        },
        destroy: () => undefined,
        lost: false,
      } as unknown as Connection;
    },
  };
  return t satisfies WriteTarget;
}

describe('WriteWorkload.redirect: some writers to another server, as one side of a split application', () => {
  it('the redirected writers write only there once it resolves; the others stay; back again on redirect without a target', async () => {
    const a = target('a');
    const b = target('b');
    const w = new WriteWorkload(a, { writers: 4, ratePerSec: 800 });
    w.start();
    try {
      await waitUntil(
        async () => a.writes.length,
        (n) => n >= 20,
        { what: 'writes on a', timeoutMs: 5000 },
      );
      const firstIdOnB = await w.redirect([3, 4], b);
      const switched = Date.now();
      // each redirected writer's writes below its first id went to a, the rest to b: exact, by id
      for (const writer of [3, 4]) {
        expect(a.writes.filter((x) => x.writer === writer).every((x) => x.id < firstIdOnB.get(writer)!)).toBe(true);
      }
      expect(a.closed).toBe(2); // writers 3 and 4 let their connections to a go
      await waitUntil(
        async () => b.writes.length,
        (n) => n >= 20,
        { what: 'writes on b', timeoutMs: 5000 },
      );
      expect(new Set(b.writes.map((x) => x.writer))).toEqual(new Set([3, 4]));
      expect(b.writes.every((x) => x.id >= firstIdOnB.get(x.writer)!)).toBe(true);
      expect(a.writes.filter((x) => x.at > switched && x.writer >= 3)).toEqual([]);
      expect(a.writes.filter((x) => x.at > switched).length).toBeGreaterThan(0); // 1 and 2 kept writing on a
      await w.redirect([3, 4]);
      const back = Date.now();
      const before = a.writes.filter((x) => x.writer >= 3).length;
      await waitUntil(
        async () => a.writes.filter((x) => x.writer >= 3).length - before,
        (n) => n >= 10,
        { what: '3 and 4 on a', timeoutMs: 5000 },
      );
      expect(b.writes.filter((x) => x.at > back)).toEqual([]);
    } finally {
      await w.stop();
    }
    // every write the servers took is in the ledger, acknowledged, once
    const ids = [...a.writes, ...b.writes].map((x) => x.id).sort((x, y) => x - y);
    expect(w.ledger.byOutcome('acked').map((e) => e.id)).toEqual(ids);
  });

  it('a writer the workload does not have is refused by name; a stopped workload redirects at once', async () => {
    const w = new WriteWorkload(target('a'), { writers: 2 });
    await expect(w.redirect([3], target('b'))).rejects.toThrow(/no writer 3: the workload has writers 1 to 2/);
    await expect(w.redirect([1, 2], target('b'))).resolves.toEqual(
      new Map([
        [1, 1],
        [2, 1],
      ]),
    );
  });
});
