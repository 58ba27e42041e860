import { describe, expect, it } from 'vitest';
import { flavor } from '../../core/index.js';
import { waitUntil } from '../../exec/index.js';
import { adapterFor } from '../../runtime/adapter.js';
import type { StartedNode } from '../../runtime/node.js';
import type { Statement } from '../../sql/index.js';
import { goNoGo } from '../../verify/upgrade/index.js';
import { WritableRouter, WriteWorkload } from '../../workload/index.js';
import { emptyState } from '../state.js';
import type { DrillContext } from '../types.js';
import { switchover } from './rolling-upgrade.js';
import { switchPrimaryRole } from './switchover.js';

/** The rollback the README promises: when it cannot be exercised, the drill fails and the go/no-go says no, with why. */
describe('a promised switchover that cannot run is not skipped with a warning', () => {
  it('a rollback target that never replicated: a failed rollback-exercised check, a blocking finding, no switch', async () => {
    const node = (name: string, flavor: string) => ({
      name,
      adapter: { flavor: { id: flavor }, dialect: {} },
      query: async () => {
        throw new Error(`no query may run on ${name}: the switch is not attempted`);
      },
    });
    const nodes = { primary: node('primary', 'mariadb-10.11'), 'replica-1': node('replica-1', 'mariadb-11.8') };
    const state = emptyState();
    state.currentPrimary = 'replica-1';
    state.replicationRefused.set('switchover', ['primary']); // the old primary refused to replicate from 11.8
    const ctx = {
      state,
      checks: [],
      observations: {},
      topo: { get: (n: keyof typeof nodes) => nodes[n] },
    } as unknown as DrillContext;
    await switchover('primary', 'rollback').run(ctx);
    expect(ctx.checks).toEqual([
      expect.objectContaining({ name: 'rollback-exercised', valid: false, details: expect.objectContaining({ differenceCount: 1 }) }),
    ]);
    expect(JSON.stringify(ctx.checks[0]!.details)).toMatch(
      /rollback: not attempted: primary \(mariadb-10.11\) does not replicate from replica-1/,
    );
    expect(ctx.observations['rollback']).toMatchObject({ attempted: false });
    expect(goNoGo(state.upgradeFindings).verdict).toBe('no-go');
  });
});

/**
 * A server as a switchover and its application see it: read_only, and every write it accepted with when. Like
 * firedrill's own account on a real server, a write is accepted even while read_only is ON (READ_ONLY ADMIN, SUPER).
 */
function fakeServer(name: string, readOnly: boolean) {
  const s = {
    name,
    readOnly,
    writableAt: readOnly ? Number.POSITIVE_INFINITY : 0,
    writes: [] as Array<{ id: number; at: number }>,
    adapter: adapterFor(flavor('mariadb-10.11')),
    async query(st: Statement): Promise<unknown[]> {
      const sql = st.sql;
      if (/^SET GLOBAL read_only = (ON|OFF)$/.test(sql)) {
        s.readOnly = sql.endsWith('ON');
        if (!s.readOnly) s.writableAt = Date.now();
        return [];
      }
      if (sql.includes('@@GLOBAL.read_only')) return [{ ro: s.readOnly ? 1 : 0 }];
      if (sql.startsWith('INSERT')) s.writes.push({ id: Number(st.values?.[0]), at: Date.now() });
      if (sql.includes('MASTER_GTID_WAIT')) return [{ r: 0 }];
      if (sql.includes('gtid_current_pos')) return [{ gtid: `0-1-${s.writes.length}` }];
      return []; // STOP SLAVE, RESET SLAVE ALL, the events: nothing to do here
    },
    async connect() {
      return { query: (st: Statement) => s.query(st), close: async () => undefined, destroy: () => undefined, lost: false };
    },
  };
  return s;
}

describe("a planned switchover behind the clients' proxy", () => {
  it('the application resumes on the new primary alone, never on the demoted one the proxy saw writable a moment before', async () => {
    const old = fakeServer('replica-1', false);
    const to = fakeServer('replica-2', true);
    const nodes = [old, to] as unknown as StartedNode[];
    const router = new WritableRouter(() => nodes);
    await router.start();
    const workload = new WriteWorkload(router, { writers: 4, ratePerSec: 400 });
    workload.start();
    try {
      await waitUntil(
        async () => old.writes.length,
        (n) => n >= 20,
        { what: 'writes on the old primary', timeoutMs: 5000 },
      );
      const state = emptyState();
      state.failover = { router, failed: 'primary', lagBefore: {}, semiSync: [] };
      const ctx = {
        state,
        workload,
        workloads: new Map([['main', workload]]),
        topo: { promote: () => undefined },
      } as unknown as DrillContext;
      const m = await switchPrimaryRole(ctx, old as unknown as StartedNode, to as unknown as StartedNode);
      await waitUntil(
        async () => to.writes.length,
        (n) => n >= 40,
        { what: 'writes on the new primary', timeoutMs: 5000 },
      );
      // Nothing written on the demoted node once the new one took writes: the two histories would diverge.
      expect(old.writes.filter((w) => w.at >= to.writableAt)).toEqual([]);
      expect(m.writeUnavailableMs).toBeGreaterThan(0);
      expect(state.currentPrimary).toBe('replica-2');
    } finally {
      await workload.stop();
      await router.stop();
    }
  });

  it("the proxy's wait names what it saw when the demoted node stays writable", async () => {
    const a = fakeServer('replica-1', false);
    const b = fakeServer('replica-2', false);
    const router = new WritableRouter(() => [a, b] as unknown as StartedNode[]);
    await router.start();
    try {
      await expect(router.routesOnlyTo('replica-2', Date.now(), 600)).rejects.toThrow(
        /the clients' proxy to route writes to replica-2 alone.*replica-1.*replica-2/s,
      );
    } finally {
      await router.stop();
    }
  });
});
