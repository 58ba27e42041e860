import { describe, expect, it } from 'vitest';
import { goNoGo } from '../../verify/upgrade/index.js';
import { emptyState } from '../state.js';
import type { DrillContext } from '../types.js';
import { switchover } from './rolling-upgrade.js';

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
