import { methodOf, readManifest } from '../backup/index.js';
import type { TopologyContext } from '../runtime/context.js';
import { restoreLogical } from './logical.js';
import { type RestoreResult, type RestoreTarget, restorePhysical } from './physical.js';

/**
 * Restores an artifact into a brand-new node with the method its manifest names (the one registry of backup
 * methods): a datadir copy for physical methods, a load into a fresh server for a logical dump. An unreadable
 * manifest is left to the restore's own verification, which refuses it with every problem found.
 */
export async function restoreArtifact(ctx: TopologyContext, artifactDir: string, target: RestoreTarget): Promise<RestoreResult> {
  const method = await readManifest(artifactDir).then(methodOf, () => undefined);
  return method?.restore.kind === 'load' ? restoreLogical(ctx, artifactDir, target) : restorePhysical(ctx, artifactDir, target);
}
