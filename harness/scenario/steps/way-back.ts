/**
 * pre-upgrade: the step's way back. The rollback switchover exercised replication from the new version to the old
 * one (or found it refused); this step exercises the other way back, the pre-upgrade backup (the physical backup
 * taken on the old version) restored onto a fresh node of the old version, verified, its restore time measured.
 */
import { methodOf } from '../../backup/index.js';
import { restoreArtifact } from '../../restore/index.js';
import { check, presentLedgerIds } from '../../verify/index.js';
import { wayBackFindings, type WayBack } from '../../verify/upgrade/index.js';
import { judgeDrillChecks } from '../limits.js';
import { checkName, observationName } from '../names.js';
import type { DrillContext, Step } from '../types.js';
import { restoredServerId, step, withNodes } from './common.js';
import { checksAgainstArtifact } from './restore.js';
import { findings } from './upgrade-context.js';

/** What the rollback switchover (rolling-upgrade.ts) recorded. */
interface RollbackSeen {
  attempted?: boolean;
  from?: string;
  to?: string;
  writeUnavailableMs?: number;
  reason?: string;
}

/** The way back by replication, as the rollback switchover (`label`) recorded it. */
function replicationBack(ctx: DrillContext, label: string): WayBack['replication'] {
  const o = ctx.observations[observationName.switchover(label)] as RollbackSeen | undefined;
  const named = (n: string | undefined) => {
    const node = n ? ctx.topo.all().find((x) => x.name === n) : undefined;
    return node ? `${node.name} (${node.adapter.flavor.id})` : (n ?? '?');
  };
  if (!o) return { exercised: false, from: '?', to: '?', refused: `the ${label} switchover did not run in this drill` };
  return {
    exercised: o.attempted === true,
    from: named(o.from),
    to: named(o.to),
    ...(o.writeUnavailableMs !== undefined ? { writeUnavailableS: o.writeUnavailableMs / 1000 } : {}),
    ...(o.attempted ? {} : { refused: o.reason ?? 'not attempted' }),
  };
}

/** The first physical backup taken on the drill's own (old) version: the pre-upgrade backup. */
const preUpgradeBackup = (ctx: DrillContext) =>
  ctx.artifacts.find((a) => methodOf(a.manifest).kind === 'physical' && a.manifest.flavor === ctx.tctx.adapter.flavor.id);

/**
 * Restores the pre-upgrade backup onto a fresh old-version node `as`, verifies it against the backup's snapshot (CHECK
 * TABLE, checksums, objects, GTID point) and times it; records the step's way back (observation `way back`). A restore
 * that fails or does not verify is a failed check and a blocking finding; a `no-rollback-path` finding names the time.
 */
export const wayBackRestore = (as: string, rollbackLabel = 'rollback'): Step => ({
  restoresPhysical: true,
  ...withNodes(
    { creates: [as] },
    step(`way back: restore the pre-upgrade backup onto the old version as ${as}, verify, time it`, async (ctx) => {
      const a = preUpgradeBackup(ctx);
      const flavor = ctx.tctx.adapter.flavor.id;
      const restore: WayBack['restore'] = {
        node: as,
        flavor,
        artifact: a?.manifest.id ?? '(none)',
        kind: a ? methodOf(a.manifest).kind : 'physical',
        method: a?.manifest.method ?? '?',
        verified: false,
        backupPoint: a?.manifest.position.gtid ?? '?',
      };
      const t0 = Date.now();
      try {
        if (!a) throw new Error(`no physical backup was taken on ${flavor} in this drill`);
        const r = await restoreArtifact(ctx.tctx, a.dir, { name: as, serverId: restoredServerId(ctx), readOnly: true });
        ctx.topo.add(r.node);
        const answering = Date.now();
        const checks = await checksAgainstArtifact(r.node, a.manifest);
        restore.restoreS = (Date.now() - t0) / 1000;
        restore.answeringS = (answering - t0) / 1000;
        restore.timings = r.timings;
        ctx.checks.push(...checks);
        // judged as the drill judges them: what the method cannot carry (a MEMORY table's rows) is no failure
        const failed = judgeDrillChecks(checks, ctx.limits)
          .filter((c) => !c.valid)
          .map((c) => `${c.name} failed`);
        restore.verified = failed.length === 0;
        if (failed.length) restore.failures = failed;
        const present = new Set(await presentLedgerIds(r.node, ctx.workload.db));
        restore.writesAfterBackupPoint = ctx.workload.ledger.byOutcome('acked').filter((e) => !present.has(e.id)).length;
      } catch (e) {
        restore.failures = [(e as Error).message.split('\n')[0]!];
      }
      const w: WayBack = { replication: replicationBack(ctx, rollbackLabel), restore };
      ctx.observations[observationName.wayBack] = w;
      const f = findings(ctx);
      f.splice(0, f.length, ...wayBackFindings(w, f));
      ctx.checks.push(
        check(
          checkName.wayBackRestoreVerified,
          restore.verified
            ? []
            : (restore.failures ?? ['not verified']).map((why) => ({
                database: '*',
                object: `${restore.artifact} -> ${as}`,
                kind: 'way-back-restore',
                actual: why,
              })),
          { restoreS: restore.restoreS, flavor, artifact: restore.artifact },
        ),
      );
    }),
  ),
});
