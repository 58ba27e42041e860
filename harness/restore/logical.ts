import { join } from 'node:path';
import { DATA_DIR } from '../backup/index.js';
import { DUMP_FILE } from '../backup/logical.js';
import { withHeartbeat } from '../exec/index.js';
import { NodeDefinition } from '../runtime/node.js';
import type { TopologyContext } from '../runtime/context.js';
import type { RestoreResult, RestoreTarget } from './physical.js';
import { verifyArtifact } from './verify-artifact.js';

/**
 * Loads a logical artifact into a brand-new server (checksums verified first): the dump goes through the server's
 * own client with binary logging off, then the server adopts the dump's replication position.
 */
export async function restoreLogical(ctx: TopologyContext, artifactDir: string, target: RestoreTarget): Promise<RestoreResult> {
  const t0 = Date.now();
  const manifest = await verifyArtifact(artifactDir);
  if (manifest.method !== 'logical') throw new Error(`artifact ${manifest.id} is ${manifest.method}, not a logical dump`);
  const t1 = Date.now();
  const node = await new NodeDefinition(ctx, { name: target.name, server: { serverId: target.serverId, readOnly: target.readOnly, skipReplicaStart: true } }).start();
  const t2 = Date.now();
  const d = node.adapter.dialect;
  await withHeartbeat(ctx.progress, `load ${manifest.id} into ${target.name}`, node.container.exec([...node.adapter.client, `--init-command=${d.loadSessionInit()}`],
    { inputFile: join(artifactDir, DATA_DIR, DUMP_FILE), timeoutMs: 4 * 60 * 60_000 }));
  for (const s of d.adoptReplicaPosition(manifest.position.gtid)) await node.query(s);
  return { node, manifest, timings: { verifyArtifactMs: t1 - t0, copyBackMs: Date.now() - t2, startMs: t2 - t1 } };
}
