import { describe, expect, it } from 'vitest';
import { goNoGo } from '../../verify/upgrade/index.js';
import { emptyState } from '../state.js';
import type { DrillContext } from '../types.js';
import { wayBackRestore } from './way-back.js';

/** The step's way back when the pre-upgrade backup cannot be restored: a failed check and a no-go, never a pass. */
describe('way back: restore of the pre-upgrade backup', () => {
  it('no physical backup on the old version to restore: a failed check, a blocking finding, the observation says why', async () => {
    const node = (name: string, flavor: string) => ({ name, adapter: { flavor: { id: flavor } } });
    const nodes = [node('primary', 'mariadb-10.11'), node('replica-1', 'mariadb-11.8')];
    const state = emptyState();
    const ctx = {
      state,
      checks: [],
      observations: { rollback: { from: 'replica-1', to: 'primary', attempted: true, writeUnavailableMs: 812 } },
      // only a logical dump and a backup of the new version: neither is the pre-upgrade physical backup
      artifacts: [
        {
          dir: '/nonexistent/a',
          manifest: { id: 'logical-backup-replica-2', method: 'logical', flavor: 'mariadb-10.11', position: { gtid: '0-1-5' } },
        },
        {
          dir: '/nonexistent/b',
          manifest: { id: 'mariabackup-x-3', method: 'mariabackup', flavor: 'mariadb-11.8', position: { gtid: '0-1-9' } },
        },
      ],
      tctx: { adapter: { flavor: { id: 'mariadb-10.11' } } },
      topo: {
        all: () => nodes,
        add: () => {
          throw new Error('nothing may be restored');
        },
      },
    } as unknown as DrillContext;
    await wayBackRestore('way-back').run(ctx);
    expect(ctx.checks).toEqual([
      expect.objectContaining({
        name: 'way-back-restore-verified',
        valid: false,
        details: expect.objectContaining({ differenceCount: 1 }),
      }),
    ]);
    expect(ctx.observations['way back']).toMatchObject({
      replication: { exercised: true, from: 'replica-1 (mariadb-11.8)', to: 'primary (mariadb-10.11)', writeUnavailableS: 0.812 },
      restore: { verified: false, flavor: 'mariadb-10.11', failures: ['no physical backup was taken on mariadb-10.11 in this drill'] },
    });
    expect(state.upgradeFindings.map((f) => f.kind)).toEqual(['way-back-restore-failed']);
    expect(goNoGo(state.upgradeFindings).verdict).toBe('no-go');
  });
});
