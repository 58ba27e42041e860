import type { FlavorId } from '../../core/index.js';
import { restoreLogical, restorePhysical } from '../../restore/index.js';
import { gtidReplicaPos } from '../../runtime/replication.js';
import { withFlavor } from '../../runtime/topology.js';
import { check, compareSnapshots, gtidPositionsEqual, takeSnapshot, type Difference } from '../../verify/index.js';
import { checkName, observationName } from '../names.js';
import type { Step } from '../types.js';
import { latest, restoredServerId, step } from './common.js';

/**
 * Pre-upgrade validation: restores the latest artifact onto another flavor (a newer server), runs its upgrade,
 * and verifies. Data (CHECK TABLE, CHECKSUM TABLE) must be unchanged; objects must all be there; definitions the
 * upgrade rewrote are reported apart (observation "upgrade changed"), not as data loss.
 */
export const restoreOnto = (as: string, flavorId: FlavorId): Step => step(`restore the latest artifact onto ${flavorId} as ${as}, upgrade, verify`, async (ctx) => {
  const a = latest(ctx);
  const target = await withFlavor(ctx.tctx, flavorId);
  const restore = a.manifest.method === 'logical' ? restoreLogical : restorePhysical;
  const r = await restore(target, a.dir, { name: as, serverId: restoredServerId(ctx), readOnly: true });
  ctx.topo.add(r.node);
  const t0 = Date.now();
  const upgrade = r.node.adapter.upgrade.length ? (await r.node.container.exec(r.node.adapter.upgrade, { timeoutMs: 30 * 60_000 })).stdout.trim().split('\n').slice(-3) : ['(upgrades itself at start)'];
  const snap = await takeSnapshot(r.node);
  const [health, checksums, objects] = compareSnapshots(a.manifest.snapshot, snap);
  ctx.checks.push({ ...health!, name: checkName.onNode(as, 'check-table') }, { ...checksums!, name: checkName.onNode(as, 'checksum-table') });
  const diffs = (objects!.details['differences'] as Difference[]) ?? [];
  const rewritten = diffs.filter((d) => d.kind.endsWith('-definition-differs'));
  ctx.checks.push(check(checkName.schemaObjectsAllPresent(as), diffs.filter((d) => !d.kind.endsWith('-definition-differs')), { objectsCompared: objects!.details['objectsCompared'] }));
  ctx.checks.push(gtidPositionsEqual(r.node.adapter.gtid, a.manifest.position.gtid, await gtidReplicaPos(r.node), checkName.gtidEqualsManifest(as)));
  const [ver] = await r.node.query<{ v: string }>(r.node.adapter.dialect.version());
  ctx.observations[observationName.upgradeChanged(as)] = {
    from: a.manifest.serverVersion, to: ver?.v, method: a.manifest.method, upgradeMs: Date.now() - t0, upgradeOutput: upgrade,
    definitionsRewritten: rewritten.map((d) => ({ object: `${d.database}.${d.object}`, kind: d.kind, where: d.where, before: d.expected, after: d.actual })),
  };
});
