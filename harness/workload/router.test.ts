// The clients' proxy's history of routes: what a drill reports as the failover's `routes` observation.
import { describe, expect, it } from 'vitest';
import type { StartedNode } from '../runtime/index.js';
import { WritableRouter } from './router.js';

/** A node whose read_only the test sets (ro 0: writable). */
function node(name: string, ro: { v: number }) {
  return {
    name,
    connect: async () => ({ query: async () => [{ ro: ro.v }], destroy: () => undefined }),
  } as unknown as StartedNode;
}

describe("the proxy's route history", () => {
  it('holds the switch to the new write node as soon as routesOnlyTo resolves (the galera drill read it at once)', async () => {
    const a = { v: 0 };
    const b = { v: 1 };
    const router = new WritableRouter(() => [node('a', a), node('b', b)]);
    await router.start();
    try {
      a.v = 1;
      const since = Date.now();
      b.v = 0;
      await router.routesOnlyTo('b', since);
      expect(router.history.at(-1)?.writable).toEqual(['b']);
      expect(router.history[0]?.writable).toEqual(['a']);
    } finally {
      await router.stop();
    }
  });
});
