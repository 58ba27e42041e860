import { join } from 'node:path';
import { methodOf } from '../backup/index.js';
import { readDumpPosition } from '../backup/logical.js';
import { withHeartbeat } from '../exec/index.js';
import { NodeDefinition } from '../runtime/node.js';
import type { TopologyContext } from '../runtime/context.js';
import type { RestoreResult, RestoreTarget } from './physical.js';
import { verifyArtifact } from './verify-artifact.js';

/**
 * Loads a logical artifact into a brand-new server (checksums verified first): the dump goes through the server's
 * own client with binary logging off, then the server adopts the replication position written in the dump itself
 * (MySQL's dump sets GTID_PURGED as it loads; MariaDB's carries a commented gtid_slave_pos line, applied here).
 * The manifest's copy of the position is never used: the drill compares the restored server's position with it.
 */
export async function restoreLogical(ctx: TopologyContext, artifactDir: string, target: RestoreTarget): Promise<RestoreResult> {
  const t0 = Date.now();
  const manifest = await verifyArtifact(artifactDir);
  const recipe = methodOf(manifest).restore;
  if (recipe.kind !== 'load') throw new Error(`artifact ${manifest.id} is ${manifest.method}, not a logical dump`);
  const dump = join(artifactDir, recipe.dumpFile);
  const position = await readDumpPosition(dump);
  if (!position)
    throw new Error(`artifact ${manifest.id}: the dump carries no replication position (no gtid_slave_pos / GTID_PURGED line in its head)`);
  const t1 = Date.now();
  const node = await new NodeDefinition(ctx, {
    name: target.name,
    server: { serverId: target.serverId, readOnly: target.readOnly, skipReplicaStart: true },
  }).start();
  const t2 = Date.now();
  const d = node.adapter.dialect;
  await withHeartbeat(
    ctx.progress,
    `load ${manifest.id} into ${target.name}`,
    node.container.exec([...node.adapter.client, `--init-command=${d.loadSessionInit()}`], { inputFile: dump, timeoutMs: 4 * 60 * 60_000 }),
  );
  if (position.commented) for (const s of d.adoptReplicaPosition(position.gtid)) await node.query(s);
  return { node, manifest, timings: { verifyArtifactMs: t1 - t0, copyBackMs: Date.now() - t2, startMs: t2 - t1 } };
}
