import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { artifactPath, DATA_DIR, FS_SNAPSHOT, logicalBackup, partialPath, physicalMethodFor, type Manifest } from '../../backup/index.js';
import { waitUntil } from '../../exec/index.js';
import type { FaultRecord } from '../../faults/index.js';
import { INSTANT_METHODS, instantVerify, verifyArtifact } from '../../restore/index.js';
import { backupPointEqualsSnapshot, check, type CheckResult, type Difference } from '../../verify/index.js';
import { checkName, observationName } from '../names.js';
import type { DrillContext, Step } from '../types.js';
import { step, withNodes } from './common.js';

/**
 * Physical backup on a (backup) replica with the flavor's method (mariabackup, clone), or with `fs-snapshot`
 * (FLUSH TABLES WITH READ LOCK + frozen copy of the datadir); the artifact lands in the store.
 */
export const physicalBackup = (from: string, how: 'native' | 'fs-snapshot' = 'native'): Step => ({
  physicalCopy: how,
  ...withNodes(
    { uses: [from] },
    step(`${how === 'native' ? 'physical backup' : 'filesystem snapshot'} of ${from}`, async (ctx) => {
      const n = ctx.topo.get(from);
      const method = how === 'native' ? physicalMethodFor(n.adapter) : FS_SNAPSHOT;
      const id = `${method.name}-${from}-${ctx.artifacts.length + 1}`;
      const manifest = await backupWithOptionalFault(ctx, from, id, (aid) => method.backup(n, ctx.store, aid, ctx.progress));
      ctx.artifacts.push({ dir: artifactPath(ctx.store, id), manifest });
      ctx.observations[observationName.backup(id)] = {
        gtid: manifest.position.gtid,
        totalBytes: manifest.totalBytes,
        files: manifest.files.length,
        timings: manifest.timings,
        ...(manifest.warnings ? { warnings: manifest.warnings } : {}),
      };
      ctx.checks.push(backupPointEqualsSnapshot(n.adapter.gtid, manifest.position, checkName.backupPointEqualsSnapshotPoint));
      ctx.progress(
        `artifact ${id}: ${(manifest.totalBytes / 1048576).toFixed(1)} MiB, ${manifest.files.length} files, GTID ${manifest.position.gtid}`,
      );
      if (ctx.options.instantVerify && !INSTANT_METHODS.has(manifest.method)) {
        ctx.observations[`instant check ${id}`] =
          `not applicable: a ${manifest.method} artifact is a crash-consistent copy (InnoDB recovery writes); it is restored instead`;
      } else if (ctx.options.instantVerify) {
        // --instant-verify: the artifact checked where it lies (no copy), and proved unchanged afterwards.
        const r = await instantVerify(ctx.tctx, artifactPath(ctx.store, id), { name: `instant-${ctx.artifacts.length}` });
        ctx.checks.push(...r.checks);
        ctx.observations[`instant check ${id}`] = { timings: r.timings, copiedUpBytes: r.copiedUpBytes };
      }
    }),
  ),
});

/**
 * Runs a backup; with --fault-during-backup, first runs it once more and SIGKILLs the backup node as soon as the
 * copy has begun: that attempt must fail loudly and leave nothing a restore would accept; the node is restarted
 * (the fault's heal) and the real backup is the retry.
 */
export async function backupWithOptionalFault(
  ctx: DrillContext,
  from: string,
  id: string,
  take: (id: string) => Promise<Manifest>,
): Promise<Manifest> {
  if (!ctx.options.faultDuringBackup) return take(id);
  const n = ctx.topo.get(from);
  const doomed = `${id}-faulted`;
  const record: FaultRecord = {
    fault: { kind: 'kill', target: from, during: 'backup' },
    description: `SIGKILL ${from} in the middle of backup ${doomed}`,
    injectedAt: 0,
  };
  const copyStarted = waitUntil(async () => existsSync(join(partialPath(ctx.store, doomed), DATA_DIR)), Boolean, {
    what: `backup ${doomed} to start copying`,
    timeoutMs: 300_000,
    intervalMs: 20,
  }).then(async () => {
    record.injectedAt = Date.now();
    await n.kill('KILL');
  });
  const attempt = await take(doomed).then(
    () => ({ failed: false, error: '' }),
    (e: Error) => ({ failed: true, error: e.message.split('\n')[0]! }),
  );
  await copyStarted.catch(() => undefined);
  await n.restart();
  record.healedAt = Date.now();
  record.heal = { restarted: from };
  ctx.faults.push(record);
  const accepted = await verifyArtifact(artifactPath(ctx.store, doomed)).then(
    () => true,
    () => false,
  );
  const leftovers = [artifactPath(ctx.store, doomed), partialPath(ctx.store, doomed)].filter((p) => existsSync(p));
  ctx.checks.push(
    check(
      checkName.backupFaultFailsLoudly,
      attempt.failed && record.injectedAt > 0 ? [] : [{ database: '*', object: from, kind: 'backup-did-not-fail', actual: attempt }],
      { error: attempt.error },
    ),
  );
  ctx.checks.push(
    check(
      checkName.backupFaultLeavesNoRestorableArtifact,
      !accepted && leftovers.length === 0
        ? []
        : [{ database: '*', object: doomed, kind: 'half-artifact-left', actual: { accepted, leftovers } }],
    ),
  );
  // The retry must produce an artifact a restore accepts; a failed retry is recorded with its cause, then ends the drill.
  const retry = await take(id).then(
    (m) => ({ m, error: '' }),
    (e: Error) => ({ m: undefined, error: e.message.split('\n')[0]! }),
  );
  const refused = retry.m
    ? await verifyArtifact(artifactPath(ctx.store, id)).then(
        () => '',
        (e: Error) => e.message.split('\n')[0]!,
      )
    : 'no artifact';
  ctx.checks.push(retryCheck(id, retry.m?.position.gtid, retry.error, refused));
  if (!retry.m) throw new Error(`backup retry ${id} failed: ${retry.error}`);
  return retry.m;
}

/** The retry of a faulted backup: it ran without error and its artifact passes verification. */
export function retryCheck(id: string, gtid: string | undefined, error: string, notAccepted: string): CheckResult {
  const diffs: Difference[] = [];
  if (error) diffs.push({ database: '*', object: id, kind: 'backup-retry-failed', actual: error });
  else if (notAccepted) diffs.push({ database: '*', object: id, kind: 'retry-artifact-refused', actual: notAccepted });
  return check(checkName.backupRetrySucceeds, diffs, { artifact: id, gtid });
}

/** Logical dump of a replica with the flavor's dump tool; the artifact lands in the store. */
export const logicalBackupOf = (from: string): Step => ({
  logicalCopy: true,
  ...withNodes(
    { uses: [from] },
    step(`logical dump of ${from}`, async (ctx) => {
      const n = ctx.topo.get(from);
      const id = `logical-${from}-${ctx.artifacts.length + 1}`;
      const manifest = await backupWithOptionalFault(ctx, from, id, (aid) => logicalBackup(n, ctx.store, aid, ctx.progress));
      ctx.artifacts.push({ dir: artifactPath(ctx.store, id), manifest });
      ctx.observations[observationName.backup(id)] = {
        gtid: manifest.position.gtid,
        totalBytes: manifest.totalBytes,
        timings: manifest.timings,
      };
      ctx.checks.push(backupPointEqualsSnapshot(n.adapter.gtid, manifest.position, checkName.backupPointEqualsSnapshotPoint));
    }),
  ),
});
