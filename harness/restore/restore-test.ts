import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { format } from 'mysql2';
import {
  type ArtifactFile,
  DATA_DIR,
  loadKey,
  methodByName,
  methodOf,
  PackageRejectedError,
  parseBinlogTextFile,
  unpackArtifact,
  eventTime,
  type BinlogTransaction,
} from '../backup/index.js';
import { withHeartbeat } from '../exec/index.js';
import { isToolRefusal, notApplicableChecks } from './outcome.js';
import { docker } from '../runtime/docker.js';
import { FLAVORS, timePhase, type FlavorId, type PhaseRecord } from '../core/index.js';
import type { TopologyContext } from '../runtime/context.js';
import { NodeDefinition, ServerExitedError, type StartedNode } from '../runtime/node.js';
import { oneShot } from '../runtime/oneshot.js';
import type { RunContext } from '../runtime/run-context.js';
import { reportsDir } from '../runtime/paths.js';
import type { RecoveryWork } from '../runtime/ready-timeout.js';
import { openTopologyContext } from '../runtime/topology.js';
import { grantTablesSql, inspect, stateSql } from '../sql/index.js';
import {
  check,
  checkTableState,
  compareSnapshots,
  compareWithState,
  schemaObjects,
  skippedCheck,
  takeSnapshot,
  type CheckResult,
  type Difference,
  type RecordedState,
} from '../verify/index.js';
import { baseTables, dataTables, databasesInScope } from '../verify/scope.js';
import {
  checkFlavor,
  detectArtifact,
  MARIABACKUP_FILES,
  NotABackupError,
  readMariabackupFiles,
  type DetectedArtifact,
} from './external.js';
import type { ServerConfig } from './server-config.js';
import { ArtifactRejectedError, verifyArtifact } from './verify-artifact.js';
import { copyBack } from './copy-back.js';
import { type InstantServer, openInstant } from './instant.js';

export interface RestoreTestOptions {
  artifact: string;
  incrementals?: readonly string[];
  flavor: FlavorId;
  expect?: RecordedState;
  serverConfig?: { path: string; config: ServerConfig };
  binlogs?: { dir: string; until: { gtid: string } | { time: Date } };
  maxAgeMs?: number;
  /** The last tested backup of the same place (history), for the "has its GTID advanced" check. */
  lastTested?: (a: DetectedArtifact) => { runId: string; gtid: string; testedAt: string } | undefined;
  run: RunContext;
  progress: (m: string) => void;
  now?: () => number;
  /**
   * Instant check (openInstant): no copy, no restore; the server starts read-only on the backup itself through an
   * overlay, the same checks run, and the backup is proved byte-identical afterwards (check artifact-unchanged).
   * A ready datadir only (a prepared mariabackup folder without incrementals, a firedrill artifact, a datadir copy), on
   * MariaDB; not with binlog replay (the server is read-only).
   */
  instant?: boolean;
}

export interface RestoreTestOutcome {
  artifact: DetectedArtifact;
  checks: CheckResult[];
  phases: PhaseRecord[];
  observations: Record<string, unknown>;
  /** The position the restored server stands at (what the history records). */
  gtid?: string;
  error?: string;
  /**
   * The error that stopped the test before it could judge the backup: the environment or firedrill itself (a docker
   * call, a deadline, a server never ready), not the backup. The verdict is then "error" (exit 2), never "bad backup".
   */
  stoppedBy?: unknown;
}

/** Phases that bring the backup back as a server: their sum is the restore time (RTO of this backup). */
const RESTORE_PHASES = new Set(['stage', 'prepare', 'copy-back', 'start', 'upgrade', 'load', 'replay-binlogs']);

/** A failure caused by the backup itself (it does not prepare, load or start): the test found a bad backup. */
class BadBackupError extends Error {}

/** Server log lines that mean "this datadir needs other settings or another version", not "this backup is bad". */
const NEEDS_OTHER_SETTINGS =
  /Cannot boot server version|Downgrade is not supported|Different lower_case_table_names|uses page size \d+, but the innodb_page_size|innodb_page_size=\d+ .*differs|Upgrade after a crash is not supported|unsupported redo log format|The redo log was created with|is encrypted|Cannot decrypt|key_id \d+ .*not found|Unknown\/unsupported storage engine|Plugin '\w+' init function returned error|registration as a ENCRYPTION failed/i;

/** Folders of the image a user's config folder must never cover. */
const SYSTEM_DIR = /^\/(?:$|(?:etc|usr|var|lib|lib64|bin|sbin|run|proc|sys|dev|boot|root|opt\/firedrill)(?:\/|$))/;

const own = (runId: string) => `fdrt_${runId.slice(-6)}${randomBytes(2).toString('hex')}`;

/**
 * Restore-tests one backup, made by firedrill or outside it, in a throwaway labelled container: find what it is,
 * restore it with the method that fits, run CHECK TABLE on every table, inventory every object, compare with the
 * recorded state, and judge staleness. The artifact is only ever mounted read-only. Containers and volumes carry
 * the run's labels; the caller's RunContext tears them down. Bad input (not a backup, wrong flavor) throws
 * NotABackupError (a UsageError) before or while restoring; a bad backup is a failed check.
 */
export async function restoreTest(o: RestoreTestOptions): Promise<RestoreTestOutcome> {
  const phases: PhaseRecord[] = [];
  const checks: CheckResult[] = [];
  const observations: Record<string, unknown> = {};
  const now = o.now ?? Date.now;
  const timed = <T>(name: string, fn: () => Promise<T>): Promise<T> => timePhase(phases, name, RESTORE_PHASES.has(name), o.progress, fn);
  const flavor = FLAVORS[o.flavor];

  // Inspect: what is it? (before any container exists)
  let artifact = await timed('inspect', () => detectArtifact(o.artifact, o.incrementals));
  o.progress(`${o.artifact}: ${artifact.description}`);
  checkFlavor(artifact, flavor);
  const outcome: RestoreTestOutcome = { artifact, checks, phases, observations };
  observations['artifact'] = {
    kind: artifact.kind,
    description: artifact.description,
    family: artifact.family,
    version: artifact.version,
    createdAt: artifact.createdAt,
    createdAtFrom: artifact.createdAtFrom,
    gtid: artifact.gtid,
    bytes: artifact.bytes,
    ...(artifact.incrementals?.length ? { incrementals: artifact.incrementals.map((i) => i.path) } : {}),
  };
  if (o.serverConfig)
    observations['serverConfig'] = {
      path: o.serverConfig.path,
      kept: o.serverConfig.config.kept,
      overridden: o.serverConfig.config.overridden,
    };

  // Staleness is judged from the backup's own time, before restoring.
  if (o.maxAgeMs !== undefined) {
    const created = artifact.createdAt ? Date.parse(artifact.createdAt) : NaN;
    const age = now() - created;
    checks.push(
      check(
        'backup-age',
        Number.isNaN(created) || age > o.maxAgeMs
          ? [
              {
                database: '*',
                object: basename(artifact.path),
                kind: 'backup-too-old',
                expected: `at most ${Math.round((o.maxAgeMs / 3600_000) * 10) / 10} h old`,
                actual: Number.isNaN(created)
                  ? 'no time known'
                  : `${Math.round((age / 3600_000) * 10) / 10} h old (${artifact.createdAt}, from ${artifact.createdAtFrom})`,
              },
            ]
          : [],
        { createdAt: artifact.createdAt, createdAtFrom: artifact.createdAtFrom, ageMs: age, maxAgeMs: o.maxAgeMs },
      ),
    );
  }
  if (artifact.damaged) {
    checks.push(
      check('backup-complete', [{ database: '*', object: basename(artifact.path), kind: 'backup-damaged', actual: artifact.damaged }]),
    );
    outcome.error = artifact.damaged;
    return outcome;
  }

  // Scratch (an unpacked package, decoded binlogs) in the run's private folder (0700, removed at teardown and by clean).
  const unpackDir = await mkdtemp(join(await o.run.tempDir(), 'restore-test-'));
  o.run.onTeardown('remove restore-test scratch folder', () => rm(unpackDir, { recursive: true, force: true }));
  // The restored server's logs go into the report (reports/<run-id>/nodes/) before its container goes.
  o.run.nodeLogsDir ??= join(reportsDir, o.run.runId, 'nodes');
  if (artifact.kind === 'firedrill-package') {
    const key = await loadKey();
    try {
      // unpackArtifact stages next to the folder it is given and renames the staging folder to it
      const dir = await timed('inspect', () => unpackArtifact(artifact.path, key, join(unpackDir, 'package')));
      const inner = await detectArtifact(dir);
      artifact = { ...inner, description: `${artifact.description} holding ${inner.description}` };
      outcome.artifact = artifact;
      checkFlavor(artifact, flavor);
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
    artifact.kind !== 'dump' && !(artifact.kind === 'firedrill-artifact' && methodOf(artifact.manifest!).restore.kind === 'load');
  // What this backup or state cannot show is said now, before anything is restored: not applicable, never a skip.
  const notApplicable = notApplicableChecks(artifact, physical ? 'datadir' : 'load', o.expect);
  for (const na of notApplicable) o.progress(`not applicable: ${na.check}: ${na.reason}`);
  if (notApplicable.length) observations['notApplicable'] = notApplicable;
  const accountsNA = notApplicable.find((x) => x.check === 'state-accounts');
  const base = await openTopologyContext(o.run, o.flavor, o.progress);
  const suffix = own(o.run.runId);
  const ctx: TopologyContext = { ...base, creds: { ...base.creds, admin: suffix, repl: `${suffix}_r` } };
  const adminNames = [ctx.creds.admin, ctx.creds.repl];
  // Private files the restored server and its tools read: the init file that creates the test's own admin, the
  // client option file (no password on any argv), the user's server config. They go into each container from
  // memory before it starts (an archive put into the created container): none is ever a file on the host.
  const FILES = '/etc/firedrill-restore-test';
  const d = ctx.adapter.dialect;
  const privateFiles = {
    dir: FILES,
    newFolderMode: 0o755,
    files: [
      {
        // read by the server as its own user (mysql) at start
        name: 'init.sql',
        mode: 0o644,
        content:
          d
            .bootstrapUsers(ctx.creds)
            .map((s) => format(s.sql, (s.values ?? []) as never[]) + ';')
            .join('\n') + '\n',
      },
      {
        name: 'client.cnf',
        mode: 0o600,
        content: `[client]\nuser=${ctx.creds.admin}\npassword=${ctx.creds.adminPassword}\nprotocol=tcp\nhost=127.0.0.1\n`,
      },
      ...(o.serverConfig ? [{ name: 'user.cnf', mode: 0o600, content: o.serverConfig.config.text }] : []),
    ],
  };
  // The config's own folder is mounted read-only at the same path (key files named in it are found), unless that
  // would cover a folder of the image itself.
  const cfgDir = o.serverConfig ? dirname(o.serverConfig.path) : undefined;
  const cfgDirMount = cfgDir && !SYSTEM_DIR.test(cfgDir) ? [{ source: cfgDir, target: cfgDir, readOnly: true }] : [];
  if (o.serverConfig)
    observations['serverConfigFolder'] = cfgDirMount.length
      ? `${cfgDir} mounted read-only at the same path`
      : `${cfgDir} not mounted (a system folder of the image)`;
  const serverMounts = o.serverConfig ? cfgDirMount : [];
  const serverFiles = [
    privateFiles,
    ...(o.serverConfig
      ? [
          {
            dir: ctx.adapter.configDropIn.dir,
            files: [{ name: '99-restore-test-user.cnf', mode: 0o644, content: o.serverConfig.config.text }],
          },
        ]
      : []),
  ];
  const adminClient = [ctx.adapter.client[0]!, `--defaults-extra-file=${FILES}/client.cnf`, ...ctx.adapter.client.slice(1)];
  const toolDefaults = o.serverConfig ? [`--defaults-extra-file=${FILES}/user.cnf`] : [];

  const volume = (name: string) => o.run.volume(name);
  const step = async (
    name: string,
    argv: string[],
    p: { volume?: string; mounts?: Array<{ source: string; target: string; readOnly?: boolean }> } = {},
  ) => {
    try {
      return await withHeartbeat(
        o.progress,
        argv[0]!,
        oneShot(ctx, {
          name: `rt-${name}`,
          volume: p.volume,
          argv,
          mounts: [...(p.mounts ?? []), ...cfgDirMount],
          files: [privateFiles],
        }),
      );
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const line = msg.split('\n').find((l) => NEEDS_OTHER_SETTINGS.test(l));
      if (line)
        throw new NotABackupError(
          `${o.artifact}: ${name} needs the source's settings: ${line.trim().slice(0, 300)} (give them with --server-config my.cnf)`,
        );
      if (!isToolRefusal(e)) throw e; // a docker call, a deadline: not the backup's fault
      throw new BadBackupError(`${name}: ${msg}`);
    }
  };
  const ART = '/artifact';
  const artifactMount = { source: artifact.fullPath ?? artifact.path, target: ART, readOnly: true };
  let node: StartedNode | undefined;
  let datadirVolume: string | undefined;
  let instant: InstantServer | undefined;

  try {
    // Stage, prepare, copy back: a ready datadir in a new labelled volume (physical kinds).
    if (physical && o.instant) {
      const at = instantFolder(artifact, o);
      const opened = await timed('start', () =>
        openInstant(ctx, at.dir, {
          name: 'restored',
          label: basename(o.artifact),
          expectedFiles: at.expectedFiles,
          mounts: serverMounts,
          files: serverFiles,
          serverId: 4_000_000 + (Date.now() % 100_000),
          extra: ['--event-scheduler=OFF'],
        }).catch((e: unknown) => {
          if (e instanceof ServerExitedError) throw new BadBackupError(`the server does not start read-only on the backup: ${e.message}`);
          throw e;
        }),
      );
      instant = opened;
      node = opened.node;
      observations['instant'] = { folder: at.dir, prehashMs: opened.prehashMs, startMs: opened.startMs };
    } else if (physical) {
      datadirVolume = await volume('restore-data');
      if (artifact.kind === 'mariabackup' || artifact.kind === 'mbstream') {
        const needsStage = artifact.kind === 'mbstream' || !artifact.prepared || !!artifact.incrementals?.length;
        let source = ART;
        if (needsStage) {
          const stage = await volume('restore-stage');
          const incMounts = (artifact.incrementals ?? []).map((inc, i) => ({
            source: inc.path,
            target: `/incremental/${i + 1}`,
            readOnly: true,
          }));
          await timed('stage', async () => {
            if (artifact.kind === 'mbstream') {
              await step('extract', ['sh', '-c', 'mkdir -p /stage/full && mbstream -x -C /stage/full < "$1"', 'sh', ART], {
                mounts: [artifactMount, { source: stage, target: '/stage' }],
              });
              const listing = await step(
                'read-info',
                [
                  'sh',
                  '-c',
                  'for f in "$@"; do [ -f "/stage/full/$f" ] && { printf "==> %s\\n" "$f"; cat "/stage/full/$f"; }; done; true',
                  'sh',
                  ...MARIABACKUP_FILES(),
                ],
                { mounts: [{ source: stage, target: '/stage', readOnly: true }] },
              );
              const files = new Map<string, string>();
              for (const part of listing.stdout.split(/^==> /m).filter(Boolean)) {
                const nl = part.indexOf('\n');
                files.set(part.slice(0, nl).trim(), part.slice(nl + 1));
              }
              const inner = await readMariabackupFiles(artifact.path, async (names) =>
                names.map((n) => files.get(n)).find((x) => x !== undefined),
              );
              if (!inner) throw new BadBackupError('the mbstream holds no mariabackup checkpoints file (not a whole backup)');
              artifact = {
                ...artifact,
                version: inner.version,
                gtid: inner.gtid,
                prepared: inner.prepared,
                lsn: inner.lsn,
                ...(inner.createdAt
                  ? { createdAt: inner.createdAt, createdAtFrom: 'the backup info file inside the stream (end_time)' }
                  : {}),
              };
              outcome.artifact = artifact;
              observations['artifact'] = {
                ...(observations['artifact'] as object),
                version: artifact.version,
                gtid: artifact.gtid,
                createdAt: artifact.createdAt,
                createdAtFrom: artifact.createdAtFrom,
              };
              checkFlavor(artifact, flavor);
            } else {
              await step(
                'stage',
                [
                  'sh',
                  '-c',
                  'mkdir -p /stage/full && cp -a /artifact/. /stage/full/ && for i in /incremental/*; do [ -d "$i" ] && n=$(basename "$i") && mkdir -p "/stage/inc-$n" && cp -a "$i/." "/stage/inc-$n/"; done; true',
                ],
                { mounts: [artifactMount, ...incMounts, { source: stage, target: '/stage' }] },
              );
            }
          });
          await timed('prepare', async () => {
            const mb = ['mariadb-backup', ...toolDefaults];
            if (!artifact.prepared || artifact.incrementals?.length) {
              await step('prepare', [...mb, '--prepare', '--target-dir=/stage/full'], { mounts: [{ source: stage, target: '/stage' }] });
            }
            for (const [i] of (artifact.incrementals ?? []).entries()) {
              await step(
                `prepare-inc-${i + 1}`,
                [...mb, '--prepare', '--target-dir=/stage/full', `--incremental-dir=/stage/inc-${i + 1}`],
                { mounts: [{ source: stage, target: '/stage' }] },
              );
            }
          });
          source = '/stage/full';
          await timed('copy-back', async () => {
            await step(
              'copy-back',
              ['mariadb-backup', ...toolDefaults, '--copy-back', `--target-dir=${source}`, '--datadir=/var/lib/mysql'],
              { volume: datadirVolume, mounts: [{ source: stage, target: '/stage', readOnly: true }] },
            );
            await step('chown', ['chown', '-R', 'mysql:mysql', '/var/lib/mysql'], { volume: datadirVolume });
          });
        } else {
          await timed('copy-back', async () => {
            await step('copy-back', ['mariadb-backup', ...toolDefaults, '--copy-back', `--target-dir=${ART}`, '--datadir=/var/lib/mysql'], {
              volume: datadirVolume,
              mounts: [artifactMount],
            });
            await step('chown', ['chown', '-R', 'mysql:mysql', '/var/lib/mysql'], { volume: datadirVolume });
          });
        }
      } else if (artifact.kind === 'firedrill-artifact') {
        const recipe = methodOf(artifact.manifest!).restore;
        if (recipe.kind !== 'datadir') throw new Error('unreachable');
        await timed('copy-back', async () => {
          // A ready datadir is copied by the harness straight into the volume (copy-back.ts); else the recipe's steps.
          if (recipe.asIs) {
            await copyBack(ctx, artifact.path, methodByName(artifact.manifest!.method), datadirVolume!, 'restored');
            return;
          }
          for (const [i, argv] of recipe.steps(ART).entries())
            await step(`copy-back-${i + 1}`, argv, { volume: datadirVolume, mounts: [artifactMount] });
        });
      } else {
        // A MySQL clone directory or a datadir copy: copied as it is (InnoDB recovers a crash-consistent copy at start).
        await timed('copy-back', async () => {
          await step('copy-back', ['cp', '-a', `${ART}/.`, '/var/lib/mysql/'], { volume: datadirVolume, mounts: [artifactMount] });
          await step('chown', ['chown', '-R', 'mysql:mysql', '/var/lib/mysql'], { volume: datadirVolume });
        });
      }
      node = await timed('start', async () => {
        try {
          return await new NodeDefinition(ctx, {
            name: 'restored',
            datadirVolume,
            skipBootstrap: true,
            mounts: serverMounts,
            files: serverFiles,
            recovery: await recoveryWork(artifact),
            server: {
              serverId: 4_000_000 + (Date.now() % 100_000),
              readOnly: true,
              skipReplicaStart: true,
              extra: [`--init-file=${FILES}/init.sql`, '--event-scheduler=OFF'],
            },
          }).start();
        } catch (e) {
          if (e instanceof ServerExitedError) {
            const line = e.message.split('\n').find((l) => NEEDS_OTHER_SETTINGS.test(l));
            if (line)
              throw new NotABackupError(
                `${o.artifact}: the ${o.flavor} server refuses this datadir: ${line.trim().slice(0, 300)}${/version|Downgrade|redo log/i.test(line) ? '' : " (give the source's settings with --server-config my.cnf)"}`,
              );
            throw new BadBackupError(`the server does not start on the restored datadir: ${e.message}`);
          }
          throw e;
        }
      });
      // An older version's datadir: upgrade the system tables, as a DBA would after an in-place upgrade.
      if (
        artifact.version &&
        ctx.adapter.upgrade.length &&
        artifact.version.split('.').slice(0, 2).join('.') !== FLAVORS[o.flavor].id.replace(/^[a-z]+-/, '')
      ) {
        const [prog, ...rest] = ctx.adapter.upgrade;
        const r = await timed('upgrade', () =>
          node!.container.exec([prog!, `--defaults-extra-file=${FILES}/client.cnf`, ...rest], { timeoutMs: 30 * 60_000 }),
        );
        observations['upgrade'] = { from: artifact.version, output: r.stdout.split('\n').slice(-3).join('\n') };
      }
    } else {
      // A dump (or a firedrill logical artifact): a fresh server, the dump through its own client, binary logging off.
      const dumpPath =
        artifact.kind === 'dump'
          ? artifact.path
          : join(artifact.path, (methodOf(artifact.manifest!).restore as { dumpFile: string }).dumpFile);
      node = await timed('start', () =>
        new NodeDefinition(ctx, {
          name: 'restored',
          mounts: [...serverMounts, { source: dumpPath, target: '/dump', readOnly: true }],
          files: serverFiles,
          server: { serverId: 4_000_000 + (Date.now() % 100_000), skipReplicaStart: true, extra: ['--event-scheduler=OFF'] },
        }).start(),
      );
      const n = node;
      await timed('load', async () => {
        const init = `--init-command=${d.loadSessionInit()}`;
        const decompress =
          artifact.compression === 'gzip' ? 'gzip -dc /dump' : artifact.compression === 'zstd' ? 'zstd -dc /dump' : 'cat /dump';
        try {
          await withHeartbeat(
            o.progress,
            `load ${basename(dumpPath)}`,
            // A whole-server dump's accounts replace those a fresh server already has (d.wholeDumpFilter).
            d.wholeDumpFilter
              ? n.container.exec(['sh', '-c', `${decompress} | sed -e "$0" | "$@"`, d.wholeDumpFilter(adminNames), ...adminClient, init], {
                  timeoutMs: 4 * 60 * 60_000,
                })
              : n.container.exec(['sh', '-c', `${decompress} | "$@"`, 'sh', ...adminClient, init], { timeoutMs: 4 * 60 * 60_000 }),
          );
        } catch (e) {
          if (!isToolRefusal(e)) throw e;
          throw new BadBackupError(`the dump does not load: ${firstClientError(e)}`);
        }
      });
      const dbs = artifact.kind === 'dump' ? (artifact.dumpDatabases ?? []) : (artifact.manifest?.snapshot.databases ?? []);
      const serverAccountsInBackup = artifact.kind === 'dump' && dbs.includes('mysql');
      if (serverAccountsInBackup) {
        // The dump replaced the grant tables: load them, keep the test's own admin.
        await n.query(grantTablesSql.reloadGrantTables());
        for (const s of d.bootstrapUsers(ctx.creds)) await n.query(s);
      }
      if (artifact.kind === 'firedrill-artifact' && artifact.manifest)
        for (const s of d.adoptReplicaPosition(artifact.manifest.position.gtid)) await n.query(s);
    }
    checks.unshift({
      name: 'backup-restores',
      valid: true,
      details: {
        kind: artifact.kind,
        method: artifact.manifest?.method,
        serverVersion: String((await node.query<{ v: string }>(d.version()))[0]?.v ?? ''),
      },
    });

    // The restored server's own position (MariaDB: the replica position a backup of a replica restores, else the
    // binlog position; MySQL: gtid_executed).
    const [rp] = await node.query<{ gtid: string }>(d.gtidReplicaPos());
    const [ex] = await node.query<{ gtid: string }>(d.gtidExecuted());
    const restoredGtid = String(rp?.gtid ?? '') || String(ex?.gtid ?? '');
    let backupGtid = artifact.gtid ?? (restoredGtid || undefined);

    if (o.binlogs) {
      const r = await timed('replay-binlogs', () => replayBinlogs(ctx, node!, o.binlogs!, backupGtid ?? '', unpackDir, adminClient));
      const { applied: _applied, ...replay } = r;
      observations['binlogReplay'] = replay;
      if (r.lastApplied) {
        // The server must now hold the last transaction replayed; the position is the backup's advanced to it.
        const [w] = await node.query<{ gtid: string }>(d.gtidWritten());
        const written = String(w?.gtid ?? '');
        let holds = false;
        try {
          holds =
            written.split(',').some((g) => ctx.adapter.gtid.contains(g.trim(), r.lastApplied!)) ||
            ctx.adapter.gtid.contains(written, r.lastApplied);
        } catch {
          holds = false;
        }
        checks.push(
          check(
            'binlog-replay',
            holds
              ? []
              : [{ database: '*', object: 'gtid', kind: 'replayed-transaction-missing', expected: r.lastApplied, actual: written }],
            { transactionsApplied: r.transactionsApplied, lastApplied: r.lastApplied, stoppedBefore: r.stoppedBefore },
          ),
        );
        // every transaction applied moves the position (a MySQL set gains each one; a MariaDB domain its last)
        backupGtid = r.applied.reduce((pos, g) => (pos ? ctx.adapter.gtid.advance(pos, g) : g), backupGtid ?? '');
      }
    }
    outcome.gtid = backupGtid;
    observations['restoredGtid'] = { backup: artifact.gtid, server: restoredGtid, afterReplay: o.binlogs ? backupGtid : undefined };

    // CHECK TABLE on every table (user databases and the mysql schema).
    const n = node;
    await timed('check-table', async () => {
      const dbs = [...(await databasesInScope(n)), 'mysql'];
      const diffs: Difference[] = [];
      const tables = await dataTables(n, dbs);
      for (const [i, t] of tables.entries()) {
        if (i % 50 === 0) o.progress(`CHECK TABLE ${i + 1}/${tables.length}`);
        const c = await checkTableState(n, t.database, t.name);
        if (!c.ok) diffs.push({ database: t.database, object: t.name, kind: 'check-table-error', actual: c.messages });
      }
      checks.push(check('check-table', diffs, { tablesChecked: tables.length }));
    });
    // Inventory: every object, every definition readable.
    await timed('inventory', async () => {
      const dbs = await databasesInScope(n);
      const objects = await schemaObjects(n, dbs);
      const counts: Record<string, number> = {};
      const unreadable: Difference[] = [];
      for (const [k, v] of Object.entries(objects)) {
        const kind = k.slice(0, k.indexOf(' '));
        counts[kind] = (counts[kind] ?? 0) + 1;
        if (v.startsWith('<definition not readable'))
          unreadable.push({
            database: k.slice(k.indexOf(' ') + 1).split('.')[0]!,
            object: k.slice(k.indexOf(' ') + 1),
            kind: 'definition-not-readable',
            actual: v,
          });
      }
      const rows: Record<string, number> = {};
      for (const t of await baseTables(n, dbs))
        rows[`${t.database}.${t.name}`] = Number((await n.query<{ n: string }>(stateSql.countRows(t.database, t.name)))[0]?.n ?? 0);
      const accounts = (await n.query<{ user: string; host: string }>(inspect.listAccounts())).filter(
        (a) => !adminNames.includes(String(a.user)),
      ).length;
      observations['inventory'] = { databases: dbs, objects: counts, rows, accounts };
      checks.push(check('objects-readable', unreadable, { objects: counts }));
    });
    await timed('compare', async () => {
      if (artifact.kind === 'firedrill-artifact' && artifact.manifest && !o.binlogs) {
        // The manifest's own pre-backup snapshot: the artifact must restore to it.
        const [, sums, objs] = compareSnapshots(
          artifact.manifest.snapshot,
          await takeSnapshot(n, artifact.manifest.snapshot.databases, { against: artifact.manifest.snapshot }),
        );
        checks.push({ ...sums!, name: 'manifest-checksums' }, { ...objs!, name: 'manifest-objects' });
      }
      if (o.expect) {
        const algebra = ctx.adapter.gtid;
        checks.push(
          ...(await compareWithState(o.expect, n, {
            ownAccounts: adminNames,
            backupGtid,
            ...(accountsNA ? { accountsNotInBackup: accountsNA.reason } : {}),
            gtidEqual: (a, b) => algebra.differences(a, b).length === 0,
            progress: o.progress,
          })),
        );
      }
      const last = o.maxAgeMs !== undefined ? o.lastTested?.(artifact) : undefined;
      if (last && !backupGtid)
        checks.push(
          skippedCheck(
            'gtid-advanced',
            `neither the backup nor the restored server records a GTID position, so whether it advanced beyond the last tested backup's ${last.gtid} (run ${last.runId}) cannot be judged`,
          ),
        );
      if (last && backupGtid) {
        let advanced: boolean;
        try {
          advanced = ctx.adapter.gtid.subtract(backupGtid, last.gtid) !== '';
        } catch {
          advanced = backupGtid !== last.gtid;
        }
        checks.push(
          check(
            'gtid-advanced',
            advanced
              ? []
              : [
                  {
                    database: '*',
                    object: 'gtid',
                    kind: 'gtid-not-advanced',
                    expected: `beyond ${last.gtid} (last tested backup, run ${last.runId}, ${last.testedAt})`,
                    actual: backupGtid,
                  },
                ],
            { lastTested: last, backup: backupGtid },
          ),
        );
      }
    });
  } catch (e) {
    if (e instanceof NotABackupError) throw e;
    let msg = e instanceof Error ? e.message : String(e);
    // A restored server that died under the checks (a corrupt page met by CHECK TABLE) is the backup's fault.
    const died = !(e instanceof BadBackupError) && node ? await node.container.state().catch(() => undefined) : undefined;
    if (died && !died.running)
      msg = `the restored server died (exit code ${died.exitCode}): ${msg}\n${await node!.container.logsTail(15).catch(() => '')}`;
    if (e instanceof BadBackupError || (died && !died.running))
      checks.unshift(
        check('backup-restores', [{ database: '*', object: basename(o.artifact), kind: 'restore-failed', actual: msg.slice(0, 2000) }]),
      );
    else outcome.stoppedBy = e;
    outcome.error = msg;
  }
  if (instant) {
    // The server and its overlay go; the backup is hashed again: it must be byte-identical.
    const done = await instant.close();
    checks.push(done.check);
    observations['instant'] = { ...(observations['instant'] as object), copiedUpBytes: done.copiedUpBytes, rehashMs: done.rehashMs };
  }
  return outcome;
}

/** The ready datadir folder of a backup for an instant check, or bad input (exit 2) saying why there is none. */
function instantFolder(a: DetectedArtifact, o: RestoreTestOptions): { dir: string; expectedFiles?: ArtifactFile[] } {
  if (FLAVORS[o.flavor].family !== 'mariadb')
    throw new NotABackupError(
      '--instant runs on MariaDB only (MySQL keeps its accounts in InnoDB, which the instant check keeps read-only): test this backup without --instant',
    );
  if (o.binlogs)
    throw new NotABackupError(
      '--instant cannot replay binlogs (the server runs read-only on the backup): leave out --binlogs/--until, or --instant',
    );
  if (a.kind === 'firedrill-artifact' && a.manifest && methodOf(a.manifest).restore.kind === 'datadir')
    return { dir: join(a.path, DATA_DIR), expectedFiles: a.manifest.files };
  if (a.kind === 'mariabackup' && a.prepared && !a.incrementals?.length) return { dir: a.fullPath ?? a.path };
  if (a.kind === 'datadir') return { dir: a.path };
  throw new NotABackupError(
    `--instant needs a ready datadir (a prepared mariabackup folder without incrementals, a firedrill artifact, a datadir copy); this is ${a.description}: test it without --instant`,
  );
}

/**
 * What a server started on this backup's datadir may have to recover (its ready deadline grows with it): the backup's
 * size, and the redo files of a folder on this machine (a copied datadir applies all of its redo at start).
 */
async function recoveryWork(a: DetectedArtifact): Promise<RecoveryWork> {
  let redoBytes = 0;
  const dir = a.kind === 'firedrill-artifact' ? join(a.path, DATA_DIR) : (a.fullPath ?? a.path);
  for (const rel of ['ib_logfile0', 'ib_logfile1', '#innodb_redo']) {
    const st = await stat(join(dir, rel)).catch(() => undefined);
    if (st?.isFile()) redoBytes += st.size;
    if (st?.isDirectory())
      for (const f of await readdir(join(dir, rel)).catch(() => [] as string[]))
        redoBytes += (await stat(join(dir, rel, f)).catch(() => undefined))?.size ?? 0;
  }
  return { datadirBytes: a.bytes ?? 0, redoBytes };
}

/** The client's own error line ("ERROR 1062 (23000) at line 49: Duplicate entry …"), else the whole message. */
function firstClientError(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return /^ERROR \d+.*$/m.exec(m)?.[0] ?? m;
}

/** `mariadb-bin.000001`-style files in a folder, in order (no index files, no decoded text). */
async function binlogFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => /\.\d{6,}$/.test(n)).sort();
  for (const n of names) if (!(await stat(join(dir, n))).isFile()) throw new NotABackupError(`--binlogs ${dir}: ${n} is not a file`);
  if (names.length === 0) throw new NotABackupError(`--binlogs ${dir}: no binary log files (name.000001 …) in it`);
  return names;
}

/**
 * Replays the team's own binlog archive onto the restored backup: every transaction after the backup's GTID position
 * up to the target (a GTID, included; or a time: everything written before it), with the flavor's binlog tool
 * (mariadb-binlog --start-position/--stop-position by GTID, mysqlbinlog --exclude-gtids + --stop-position), original
 * GTIDs kept. The archive is mounted read-only; decoded text goes to a private scratch folder.
 */
async function replayBinlogs(
  ctx: TopologyContext,
  node: StartedNode,
  b: NonNullable<RestoreTestOptions['binlogs']>,
  backupPoint: string,
  scratch: string,
  adminClient: string[],
) {
  const files = await binlogFiles(b.dir);
  // private (inside the run's 0700 folder): the tools run as root in their container
  const work = join(scratch, 'binlog-work');
  await mkdir(work, { recursive: true, mode: 0o700 });
  const tool = async (label: string, argv: (f: string[], out: string) => string[]) => {
    await oneShot(ctx, {
      name: `rt-${label}`,
      argv: argv(
        files.map((f) => `/binlogs/${f}`),
        `/work/${label}`,
      ),
      mounts: [
        { source: b.dir, target: '/binlogs', readOnly: true },
        { source: work, target: '/work' },
      ],
    });
    return join(work, label);
  };
  const all = await parseBinlogTextFile(await tool('decoded.txt', (f, out) => ctx.adapter.binlog.decode(f, out)), files);
  const algebra = ctx.adapter.gtid;
  const after = backupPoint ? all.filter((t) => !algebra.contains(backupPoint, t.gtid)) : all;
  let last: BinlogTransaction | undefined;
  let next: BinlogTransaction | undefined;
  if ('gtid' in b.until) {
    const gtid = b.until.gtid;
    const i = after.findIndex((t) => t.gtid === gtid);
    if (i < 0) {
      if (backupPoint && algebra.contains(backupPoint, gtid))
        throw new BadBackupError(`--until ${gtid} is already in the backup (its position is ${backupPoint}): nothing to replay up to it`);
      throw new BadBackupError(
        `--until ${gtid}: no such transaction after the backup point ${backupPoint || '(none)'} in ${files.length} binlog file(s) of ${b.dir} (the archive has a gap or ends before it)`,
      );
    }
    last = after[i];
    next = after[i + 1];
  } else {
    const until = b.until.time.getTime();
    const i = after.findIndex((t) => eventTime(t.at) >= until);
    const upTo = i < 0 ? after.length : i;
    last = upTo > 0 ? after[upTo - 1] : undefined;
    next = i < 0 ? undefined : after[i];
  }
  if (!last)
    return {
      files,
      transactionsApplied: 0,
      applied: [] as string[],
      lastApplied: undefined as string | undefined,
      stoppedBefore: next?.gtid,
    };
  const applied = after.indexOf(last) + 1;
  const sql = await tool('replay.sql', (f, out) => ctx.adapter.binlog.replay(f, { after: backupPoint, last: last!, next }, out));
  const bytes = (await stat(sql)).size;
  const pathInContainer = '/replay.sql';
  await docker(['cp', sql, `${node.container.name}:${pathInContainer}`]);
  try {
    await node.container.exec(['sh', '-c', `"$@" < ${pathInContainer}`, 'sh', ...adminClient], { timeoutMs: 4 * 60 * 60_000 });
  } catch (e) {
    if (!isToolRefusal(e)) throw e;
    throw new BadBackupError(`the binlog replay fails: ${firstClientError(e)}`);
  }
  return {
    files,
    transactionsApplied: applied,
    applied: after.slice(0, applied).map((t) => t.gtid),
    firstApplied: after[0]?.gtid,
    lastApplied: last.gtid,
    stoppedBefore: next?.gtid,
    replaySqlBytes: bytes,
  };
}
