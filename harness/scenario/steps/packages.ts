import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyPackage, dataOffset, packArtifact, PackageRejectedError, resealSidecar, unpackArtifact } from '../../backup/index.js';
import { ArtifactRejectedError, restorePhysical } from '../../restore/index.js';
import { listByLabel } from '../../runtime/docker.js';
import { LABEL_RUN } from '../../runtime/run-context.js';
import { check } from '../../verify/index.js';
import { checkName, observationName } from '../names.js';
import { need } from '../state.js';
import type { DrillContext, Step } from '../types.js';
import { latest, restoredServerId, step, withNodes } from './common.js';

/** Packs the latest artifact (zstd + chunked AES-256-GCM, authenticated sidecar; key generated for this drill, kept in memory) and uploads it. */
export const packageAndUpload = (): Step =>
  step('package the latest artifact and upload it to the store', async (ctx) => {
    const a = latest(ctx);
    const key = randomBytes(32);
    const outgoing = join(ctx.store.hostDir, 'outgoing');
    const remote = join(ctx.store.hostDir, 'remote');
    await mkdir(outgoing, { recursive: true });
    await mkdir(remote, { recursive: true });
    const info = await packArtifact(a.dir, outgoing, key);
    const uploaded = await copyPackage(join(outgoing, info.file), remote);
    ctx.state.package = { file: uploaded, key };
    ctx.observations[observationName.package] = {
      ...info,
      artifactBytes: a.manifest.totalBytes,
      ratio: +(info.bytes / a.manifest.totalBytes).toFixed(3),
    };
  });

const packaged = (ctx: DrillContext) => need(ctx.state.package, 'no package has been uploaded in this drill');

/** Downloads the package, unpacks it (checks first), and restores it into a brand-new node. */
async function restoreFromPackage(ctx: DrillContext, file: string, key: Buffer, as: string): Promise<void> {
  const staging = await mkdtemp(join(ctx.store.hostDir, 'download-'));
  const local = await copyPackage(file, staging);
  const dir = await unpackArtifact(local, key, join(staging, 'artifact'));
  const r = await restorePhysical(ctx.tctx, dir, { name: as, serverId: restoredServerId(ctx), readOnly: true });
  ctx.topo.add(r.node);
}

/**
 * flip-byte, truncate: caught by the authenticated sidecar's sha256 and size; wrong-key: by the key fingerprint;
 * flip-ciphertext-resealed: a ciphertext byte flipped before the sidecar was made (its sha256, size and MAC
 * recomputed with the key): only the AES-GCM tags can catch it, and the check requires that they did.
 */
export type Tamper = 'flip-byte' | 'truncate' | 'wrong-key' | 'flip-ciphertext-resealed';

/** A bad copy of the package is refused with a clear error, before any container or volume is created. */
export const refuseTampered = (kind: Tamper): Step =>
  step(`refuse a package with ${kind}`, async (ctx) => {
    const { file, key } = packaged(ctx);
    const bad = await mkdtemp(join(ctx.store.hostDir, `tamper-${kind}-`));
    const copy = await copyPackage(file, bad);
    if (kind === 'flip-byte') {
      const b = await readFile(copy);
      b[Math.floor(b.length / 2)]! ^= 0x10;
      await writeFile(copy, b);
    }
    if (kind === 'truncate') {
      const s = (await stat(copy)).size;
      await truncate(copy, Math.floor(s * 0.9));
    }
    if (kind === 'flip-ciphertext-resealed') {
      const b = await readFile(copy);
      const start = await dataOffset(copy);
      b[start + Math.floor((b.length - start) / 2)]! ^= 0x10;
      await writeFile(copy, b);
      await resealSidecar(copy, key);
    }
    const as = `tampered-${kind}`;
    const outcome = await restoreFromPackage(ctx, copy, kind === 'wrong-key' ? randomBytes(32) : key, as).then(
      () => ({ refused: false, error: 'restore went ahead' }),
      (e: Error) => ({
        refused:
          (e instanceof PackageRejectedError || e instanceof ArtifactRejectedError) &&
          (kind !== 'flip-ciphertext-resealed' || /authentication failed/.test(e.message)), // refused by GCM, nothing else
        error: e.message,
      }),
    );
    const touched = [
      ...(await listByLabel('container', `${LABEL_RUN}=${ctx.run.runId}`)),
      ...(await listByLabel('volume', `${LABEL_RUN}=${ctx.run.runId}`)),
    ].filter((n) => n.startsWith(ctx.run.name(as)));
    ctx.checks.push(
      check(
        checkName.tamperRefused(kind),
        outcome.refused && touched.length === 0
          ? []
          : [
              {
                database: '*',
                object: as,
                kind: 'tampered-package-not-refused',
                actual: { ...outcome, createdObjects: touched },
              },
            ],
        { error: outcome.error },
      ),
    );
  });

/** The intact package downloads, unpacks and restores into a new node. */
export const restorePackaged = (as: string): Step =>
  withNodes(
    { creates: [as] },
    step(`restore the uploaded package as ${as}`, async (ctx) => {
      const { file, key } = packaged(ctx);
      await restoreFromPackage(ctx, file, key, as);
    }),
  );
