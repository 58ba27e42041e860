/**
 * The pre-upgrade drill's concurrent replay (`--concurrent`): the general log's sessions replayed with their
 * interleaving on two scratch copies of the latest backup, one on the old version and one upgraded to the target,
 * so that the sessions' own transactions commit without touching the drill's topology. Both copies are removed.
 */
import { restoreArtifact } from '../../restore/index.js';
import type { StartedNode } from '../../runtime/node.js';
import { replaySessionsOnBoth } from '../../verify/upgrade/index.js';
import { queriesToReplay, sessionStatements } from '../../workload/replay-input.js';
import { serverTarget } from '../../workload/session-replay.js';
import { observationName } from '../names.js';
import type { Step } from '../types.js';
import { latest, restoredServerId, step } from './common.js';
import { findings, flavorContext, upgradeTarget } from './upgrade-context.js';

export const concurrentReplay = (): Step =>
  step("replay the general log's sessions concurrently on scratch copies of both versions", async (ctx) => {
    if (String(ctx.params['concurrent'] ?? 'off') !== 'on') {
      ctx.observations[observationName.concurrentReplay] = { ran: false, why: 'not asked (--concurrent)' };
      return;
    }
    const given = String(ctx.params['queries']);
    const queries = queriesToReplay(given, { workloadDb: ctx.workload.db, targetsDb: ctx.own.targets, dataset: ctx.dataset });
    const a = latest(ctx);
    const made: StartedNode[] = [];
    try {
      const old = (await restoreArtifact(ctx.tctx, a.dir, { name: 'replay-old', serverId: restoredServerId(ctx) })).node;
      made.push(old);
      const target = await flavorContext(ctx, upgradeTarget(ctx));
      const neu = (await restoreArtifact(target, a.dir, { name: 'replay-new', serverId: restoredServerId(ctx) })).node;
      made.push(neu);
      if (neu.adapter.upgrade.length) await neu.container.exec(neu.adapter.upgrade, { timeoutMs: 30 * 60_000 });
      const o = { charset: 'utf8mb4', session: sessionStatements(String(ctx.params['session'] ?? '')) };
      const side = (n: StartedNode) => serverTarget({ name: n.adapter.flavor.id, connect: () => n.connect() }, o);
      const r = await replaySessionsOnBoth(side(old), side(neu), queries, { mode: 'concurrent', source: given.replace(/^.*\//, '') });
      findings(ctx).push(...r.findings);
      ctx.observations[observationName.concurrentReplay] = {
        ran: true,
        from: a.manifest.method,
        sessions: r.old.sessions,
        statements: r.old.statements.length,
        lockWaits: {
          [r.old.target]: r.old.statements.filter((s) => s.waitedFor).length,
          [r.new.target]: r.new.statements.filter((s) => s.waitedFor).length,
        },
        findings: r.findings.length,
      };
    } finally {
      for (const n of made) await n.destroy();
    }
  });
