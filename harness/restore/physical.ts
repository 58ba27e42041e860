import { methodByName, type Manifest } from '../backup/index.js';
import { NodeDefinition, type NodeSpec, type StartedNode } from '../runtime/node.js';
import type { TopologyContext } from '../runtime/context.js';
import { copyBack, datadirOwner, type CopyBackResult } from './copy-back.js';
import { verifyArtifact } from './verify-artifact.js';

export interface RestoreTarget {
  name: string;
  serverId: number;
  readOnly?: boolean;
  /** Start the restored datadir as this node instead (e.g. a Galera member with its address and cluster settings). */
  as?: NodeSpec;
}

export interface RestoreResult {
  node: StartedNode;
  manifest: Manifest;
  timings: { verifyArtifactMs: number; copyBackMs: number; startMs: number };
  copyBack?: CopyBackResult;
}

/**
 * Restores a physical artifact into a brand-new node: verify every file against the manifest (before anything is
 * created), copy it back into a new labelled volume (this process copies a ready datadir straight into the volume with
 * the server's owner, see copyBack; other methods run their own steps in one-shot containers), then start
 * a server on that volume with a new server id. Replication does not start at boot (a copy may carry the source's
 * replication settings): the restored server is verified at the backup point first, then attached.
 */
export async function restorePhysical(ctx: TopologyContext, artifactDir: string, target: RestoreTarget): Promise<RestoreResult> {
  const t0 = Date.now();
  void datadirOwner(ctx).catch(() => undefined); // looked up while the artifact is verified (cached per image)
  const manifest = await verifyArtifact(artifactDir);
  const method = methodByName(manifest.method);
  const t1 = Date.now();
  const volume = await ctx.run.volume(`${target.name}-data`);
  const copied = await copyBack(ctx, artifactDir, method, volume, target.name);
  const t2 = Date.now();
  const node = await new NodeDefinition(ctx, {
    ...(target.as ?? { name: target.name, server: { serverId: target.serverId, readOnly: target.readOnly, skipReplicaStart: true } }),
    datadirVolume: volume,
    skipBootstrap: true,
    // its ready deadline grows with the datadir it opens (runtime/ready-timeout.ts)
    recovery: { datadirBytes: manifest.files.reduce((n, f) => n + f.bytes, 0) },
  }).start();
  return { node, manifest, timings: { verifyArtifactMs: t1 - t0, copyBackMs: t2 - t1, startMs: Date.now() - t2 }, copyBack: copied };
}
