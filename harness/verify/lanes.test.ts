import { describe, expect, it } from 'vitest';
import type { Queryable } from './check.js';
import { inLanes } from './lanes.js';

/** A fake server whose sessions record what ran on them and whether they were closed. */
function server(name: string, canFork = true) {
  const sessions: Array<{ id: number; closed: boolean; ran: string[] }> = [];
  const session = (id: number) => {
    const s = { id, closed: false, ran: [] as string[] };
    sessions.push(s);
    const q: Queryable & { close(): Promise<void> } = {
      name,
      async query<T>() {
        return [] as T[];
      },
      async close() {
        s.closed = true;
      },
      ...(canFork ? { another: async () => session(sessions.length) } : {}),
    };
    return q;
  };
  return { q: session(0), sessions };
}

describe('inLanes', () => {
  it('runs items on two sessions per server at once and keeps their order', async () => {
    const a = server('a');
    const b = server('b');
    let running = 0;
    let most = 0;
    const out = await inLanes(a.q, b.q, [5, 1, 3, 2], 2, async (x) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, x * 3));
      running--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 30, 20]);
    expect(most).toBe(2);
    expect(a.sessions).toHaveLength(2);
    expect(a.sessions.slice(1).every((s) => s.closed)).toBe(true);
    expect(b.sessions.slice(1).every((s) => s.closed)).toBe(true);
    expect(a.sessions[0]!.closed).toBe(false); // the caller's own session stays open
  });
  it('falls back to one lane when a server cannot open another session', async () => {
    const a = server('a');
    const b = server('b', false);
    let most = 0;
    let running = 0;
    await inLanes(a.q, b.q, [1, 2, 3], 3, async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
    });
    expect(most).toBe(1);
    expect(a.sessions).toHaveLength(1);
  });
  it('closes the sessions it opened when an item fails', async () => {
    const a = server('a');
    const b = server('b');
    await expect(
      inLanes(a.q, b.q, [1, 2], 2, async (x) => {
        if (x === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(a.sessions.slice(1).every((s) => s.closed)).toBe(true);
  });
});
