/**
 * `oldPrimary=rebuild`: the way a DBA takes a failed primary back when its history diverged. Its datadir (whose
 * divergent transactions were named before this runs) is discarded; it is rebuilt from a physical backup of the new
 * primary's data, taken on a replica that follows the new primary (a backup never loads the primary, and never comes
 * from a delayed replica), caught up from the new primary, and rejoins as a read-only replica of it.
 */
import { replicaStates } from '../../runtime/replication.js';
import { check, noErrantTransactions } from '../../verify/index.js';
import type { DrillContext } from '../types.js';
import { physicalBackup } from './backup.js';
import { latest } from './common.js';
import { reattachToSources } from './replication.js';
import { rebuildWithCatchUp } from './restore.js';

/** A replica of the new primary a backup may be taken on: applying without delay, both threads running. */
async function backupSource(ctx: DrillContext): Promise<string | undefined> {
  for (const r of ctx.topo.replicas) {
    const [st] = await replicaStates(r).catch(() => []);
    if (st && st.delaySeconds === 0 && st.ioRunning === 'Yes' && st.sqlRunning === 'Yes') return r.name;
  }
  return undefined;
}

export async function rebuildOldPrimary(ctx: DrillContext, oldName: string): Promise<void> {
  const p = ctx.topo.primary;
  const from = await backupSource(ctx);
  if (!from) {
    ctx.checks.push(
      check(`${oldName}-rebuilt-from-the-new-primary`, [
        {
          database: '*',
          object: p.name,
          kind: 'no-backup-source',
          actual: `no replica of ${p.name} runs without delay to take the backup on`,
        },
      ]),
    );
    return;
  }
  const t0 = Date.now();
  ctx.progress(`${oldName}: its divergent datadir is discarded; rebuilt from a backup of ${p.name}'s data taken on ${from}`);
  await physicalBackup(from).run(ctx);
  const a = latest(ctx);
  await ctx.topo.destroy(oldName);
  ctx.topo.rejoin(oldName);
  await rebuildWithCatchUp(oldName, [p.name]).run(ctx);
  const rebuilt = ctx.topo.get(oldName);
  // A replica again: read-only for every account, then following the new primary by GTID.
  await rebuilt.query(rebuilt.adapter.failover.fence());
  await reattachToSources(oldName).run(ctx);
  ctx.checks.push({ ...(await noErrantTransactions(rebuilt, p)), name: `${oldName}-rebuilt-no-errant-transactions-against-${p.name}` });
  ctx.observations['old primary rebuilt'] = {
    node: oldName,
    backupTakenOn: from,
    artifact: a.manifest.id,
    backupGtid: a.manifest.position.gtid,
    rebuildMs: Date.now() - t0,
  };
}
