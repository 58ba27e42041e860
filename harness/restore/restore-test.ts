import { mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadKey, methodOf, PackageRejectedError, unpackArtifact } from '../backup/index.js';
import { FLAVORS } from '../core/index.js';
import type { StartedNode } from '../runtime/node.js';
import { reportsDir } from '../runtime/paths.js';
import { check, notApplicableCheck } from '../verify/index.js';
import { checkFlavor, detectArtifact, NotABackupError } from './external.js';
import type { InstantServer } from './instant.js';
import { carryLimits, describeLimits, dumpCarriesHistory } from './method-limits.js';
import { describeSettingsLimit, mydumperSettingsLimit } from './mydumper-limits.js';
import { notApplicableChecks } from './outcome.js';
import { openBench } from './restore-test-bench.js';
import { backupAgeCheck, checkRestoredServer, compareRestored, judgeFailure } from './restore-test-checks.js';
import { stageDatadir } from './restore-test-datadir.js';
import { dumpFileOf, loadDump, replayArchive } from './restore-test-load.js';
import { loadMydumper, requireMyloader } from './restore-test-myloader.js';
import { instantFolder, startForLoad, startInstant, startOnDatadir } from './restore-test-start.js';
import { phaseTimer, type PhaseRecord, type RestoreTestOptions, type RestoreTestOutcome } from './restore-test-types.js';
import { ArtifactRejectedError, verifyArtifact } from './verify-artifact.js';

export type { RestoreTestOptions, RestoreTestOutcome } from './restore-test-types.js';

/**
 * Restore-tests one backup, made by firedrill or outside it, in a throwaway labelled container: find what it is,
 * restore it with the method that fits, run CHECK TABLE on every table, inventory every object, compare with the
 * recorded state, and judge staleness. The artifact is only ever mounted read-only. Containers and volumes carry
 * the run's labels; the caller's RunContext tears them down. Bad input (not a backup, wrong flavor) throws
 * NotABackupError (a UsageError) before or while restoring; a bad backup is a failed check.
 *
 * The phases, by subject: inspect (here), what goes into the containers (restore-test-bench.ts), the datadir
 * (restore-test-datadir.ts), the server (restore-test-start.ts), load and binlog replay (restore-test-load.ts), the
 * checks and the verdict of a failure (restore-test-checks.ts).
 */
export async function restoreTest(o: RestoreTestOptions): Promise<RestoreTestOutcome> {
  const phases: PhaseRecord[] = [];
  const timed = phaseTimer(phases, o.progress);
  const flavor = FLAVORS[o.flavor];

  // Inspect: what is it? (before any container exists)
  const detected = await timed('inspect', () => detectArtifact(o.artifact, o.incrementals));
  o.progress(`${o.artifact}: ${detected.description}`);
  checkFlavor(detected, flavor);
  const outcome: RestoreTestOutcome = { artifact: detected, checks: [], phases, observations: {} };
  const { checks, observations } = outcome;
  observations['artifact'] = {
    kind: detected.kind,
    description: detected.description,
    family: detected.family,
    version: detected.version,
    createdAt: detected.createdAt,
    createdAtFrom: detected.createdAtFrom,
    gtid: detected.gtid,
    bytes: detected.bytes,
    ...(detected.incrementals?.length ? { incrementals: detected.incrementals.map((i) => i.path) } : {}),
  };
  if (o.serverConfig)
    observations['serverConfig'] = {
      path: o.serverConfig.path,
      kept: o.serverConfig.config.kept,
      overridden: o.serverConfig.config.overridden,
    };

  // Staleness is judged from the backup's own time, before restoring.
  if (o.maxAgeMs !== undefined) checks.push(backupAgeCheck(detected, o.maxAgeMs, (o.now ?? Date.now)()));
  if (detected.damaged) {
    checks.push(
      check('backup-complete', [{ database: '*', object: basename(detected.path), kind: 'backup-damaged', actual: detected.damaged }]),
    );
    outcome.error = detected.damaged;
    return outcome;
  }

  // Scratch (an unpacked package, decoded binlogs) in the run's private folder (0700, removed at teardown and by clean).
  const unpackDir = await mkdtemp(join(await o.run.tempDir(), 'restore-test-'));
  o.run.onTeardown('remove restore-test scratch folder', () => rm(unpackDir, { recursive: true, force: true }));
  // The restored server's logs go into the report (reports/<run-id>/nodes/) before its container goes.
  o.run.nodeLogsDir ??= join(reportsDir, o.run.runId, 'nodes');
  if (detected.kind === 'firedrill-package') {
    const key = await loadKey();
    try {
      // unpackArtifact stages next to the folder it is given and renames the staging folder to it
      const dir = await timed('inspect', () => unpackArtifact(detected.path, key, join(unpackDir, 'package')));
      const inner = await detectArtifact(dir);
      outcome.artifact = { ...inner, description: `${detected.description} holding ${inner.description}` };
      checkFlavor(outcome.artifact, flavor);
    } catch (e) {
      if (!(e instanceof PackageRejectedError)) throw e;
      // Another key than the package's (its sidecar names the key's fingerprint): bad input, not a bad backup.
      if (/key does not match/i.test(e.message))
        throw new NotABackupError(`${e.message} (set FIREDRILL_ARTIFACT_KEY to the key the package was made with)`);
      checks.push(check('backup-complete', [{ database: '*', object: basename(o.artifact), kind: 'package-rejected', actual: e.message }]));
      outcome.error = e.message;
      return outcome;
    }
  }
  const artifact = outcome.artifact;
  if (artifact.kind === 'firedrill-artifact') {
    try {
      await timed('inspect', () => verifyArtifact(artifact.path));
    } catch (e) {
      if (!(e instanceof ArtifactRejectedError)) throw e;
      checks.push(
        check(
          'backup-complete',
          e.problems.map((p) => ({ database: '*', object: basename(artifact.path), kind: 'artifact-file-differs', actual: p })),
        ),
      );
      outcome.error = e.message;
      return outcome;
    }
    checks.push(check('backup-complete', [], { verifiedFiles: artifact.manifest?.files.length }));
  }

  if (o.instant) instantFolder(artifact, o); // bad input (exit 2) before any container exists
  const physical =
    artifact.kind !== 'dump' &&
    artifact.kind !== 'mydumper' &&
    !(artifact.kind === 'firedrill-artifact' && methodOf(artifact.manifest!).restore.kind === 'load');
  if (artifact.kind === 'mydumper') o.progress(`restored with ${await timed('inspect', requireMyloader)}`);
  // What this backup or state cannot show is said now, before anything is restored: not applicable, never a skip.
  const notApplicable = notApplicableChecks(artifact, physical ? 'datadir' : 'load', o.expect);
  for (const na of notApplicable) o.progress(`not applicable: ${na.check}: ${na.reason}`);
  if (notApplicable.length) observations['notApplicable'] = notApplicable;
  const dumpHistory = artifact.kind === 'dump' && o.expect ? await dumpCarriesHistory(artifact.path, artifact.compression) : undefined;
  const limits = carryLimits(
    { kind: artifact.kind, method: artifact.manifest?.method, dumpHistory },
    physical ? 'datadir' : 'load',
    // a firedrill artifact's manifest holds its own pre-backup snapshot: its limits are named without --expect too
    o.expect ?? artifact.manifest?.snapshot,
  );
  if (limits.length) observations['limitsOfTheMethod'] = limits;
  const settings = artifact.kind === 'mydumper' && o.expect ? mydumperSettingsLimit(o.expect.objects) : undefined;
  if (settings) observations['settingsNotCarried'] = settings;
  const said = [...describeLimits(limits), ...(settings ? describeSettingsLimit(settings) : [])];
  for (const line of said) o.progress(line);
  // a mydumper folder's limits are a check of their own in the report too: not applicable, never passed
  if (artifact.kind === 'mydumper' && said.length) checks.push(notApplicableCheck('limits-of-the-method', said.join(' | ')));
  const accountsNA = notApplicable.find((x) => x.check === 'state-accounts');
  const b = await openBench(o, outcome, timed);
  const d = b.ctx.adapter.dialect;
  let node: StartedNode | undefined;
  let instant: InstantServer | undefined;

  try {
    if (physical && o.instant) {
      instant = await startInstant(b, instantFolder(artifact, o));
      node = instant.node;
    } else if (physical) {
      // Stage, prepare, copy back: a ready datadir in a new labelled volume, then the server on it.
      node = await startOnDatadir(b, await stageDatadir(b));
    } else if (artifact.kind === 'mydumper') {
      // A mydumper folder: a fresh server, myloader from this machine against its published port.
      node = await startForLoad(b);
      await loadMydumper(b, node, settings?.failingDatabases ?? []);
    } else {
      // A dump (or a firedrill logical artifact): a fresh server, the dump through its own client, binary logging off.
      const dumpPath = dumpFileOf(b);
      node = await startForLoad(b, dumpPath);
      await loadDump(b, node, dumpPath);
    }
    checks.unshift({
      name: 'backup-restores',
      valid: true,
      details: {
        kind: outcome.artifact.kind,
        method: outcome.artifact.manifest?.method,
        serverVersion: String((await node.query<{ v: string }>(d.version()))[0]?.v ?? ''),
      },
    });

    // The restored server's own position (MariaDB: the replica position a backup of a replica restores, else the
    // binlog position; MySQL: gtid_executed).
    const [rp] = await node.query<{ gtid: string }>(d.gtidReplicaPos());
    const [ex] = await node.query<{ gtid: string }>(d.gtidExecuted());
    const restoredGtid = String(rp?.gtid ?? '') || String(ex?.gtid ?? '');
    let backupGtid = outcome.artifact.gtid ?? (restoredGtid || undefined);
    if (o.binlogs) backupGtid = await replayArchive(b, node, backupGtid, unpackDir);
    outcome.gtid = backupGtid;
    observations['restoredGtid'] = { backup: outcome.artifact.gtid, server: restoredGtid, afterReplay: o.binlogs ? backupGtid : undefined };

    await checkRestoredServer(b, node);
    await compareRestored(b, node, backupGtid, accountsNA, limits, settings);
  } catch (e) {
    await judgeFailure(outcome, e, node, o.artifact);
  }
  if (instant) {
    // The server and its overlay go; the backup is hashed again: it must be byte-identical.
    const done = await instant.close();
    checks.push(done.check);
    observations['instant'] = { ...(observations['instant'] as object), copiedUpBytes: done.copiedUpBytes, rehashMs: done.rehashMs };
  }
  return outcome;
}
