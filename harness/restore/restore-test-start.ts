/**
 * The restored server: started read-only on the restored datadir (its ready deadline grows with what InnoDB must
 * recover), read-only on the backup itself for an instant check, or fresh for a dump to be loaded into; an older
 * version's datadir is upgraded as a DBA would. A server that will not start on the backup is a bad backup; one
 * that needs the source's settings or another version is bad input.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type ArtifactFile, DATA_DIR, methodOf } from '../backup/index.js';
import { FLAVORS, seriesOf } from '../core/index.js';
import { NodeDefinition, ServerExitedError, type StartedNode } from '../runtime/node.js';
import type { RecoveryWork } from '../runtime/ready-timeout.js';
import { runUpgradeTool } from '../runtime/upgrade-tool.js';
import { type DetectedArtifact, NotABackupError } from './external.js';
import { type InstantServer, openInstant } from './instant.js';
import { BadBackupError, NEEDS_OTHER_SETTINGS, needsSettings } from './outcome.js';
import { FILES, type RestoreBench } from './restore-test-bench.js';
import type { RestoreTestOptions } from './restore-test-types.js';

const serverId = () => 4_000_000 + (Date.now() % 100_000);

/** Starts the restored server on a datadir volume, then upgrades an older version's system tables. */
export async function startOnDatadir(b: RestoreBench, datadirVolume: string): Promise<StartedNode> {
  const { o, ctx, timed } = b;
  const artifact = b.outcome.artifact;
  const node = await timed('start', async () => {
    try {
      return await new NodeDefinition(ctx, {
        name: 'restored',
        datadirVolume,
        skipBootstrap: true,
        mounts: b.serverMounts,
        files: b.serverFiles,
        recovery: await recoveryWork(artifact),
        server: {
          serverId: serverId(),
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
            /version|Downgrade|redo log/i.test(line)
              ? `${o.artifact}: the ${o.flavor} server refuses this datadir: ${line.trim().slice(0, 300)}`
              : `${o.artifact}: ${needsSettings(`the ${o.flavor} server`, line)}`,
          );
        throw new BadBackupError(`the server does not start on the restored datadir: ${e.message}`);
      }
      throw e;
    }
  });
  // An older version's datadir: upgrade the system tables, as a DBA would after an in-place upgrade.
  if (artifact.version && ctx.adapter.upgrade.length && seriesOf(artifact.version) !== FLAVORS[o.flavor].series) {
    const [prog, ...rest] = ctx.adapter.upgrade;
    const r = await timed('upgrade', () => runUpgradeTool(node, [prog!, `--defaults-extra-file=${FILES}/client.cnf`, ...rest]));
    b.outcome.observations['upgrade'] = { from: artifact.version, output: r.stdout.split('\n').slice(-3).join('\n') };
  }
  return node;
}

/** Starts the server read-only on the backup's own datadir folder through an overlay (no copy). */
export async function startInstant(b: RestoreBench, at: { dir: string; expectedFiles?: ArtifactFile[] }): Promise<InstantServer> {
  const opened = await b.timed('start', () =>
    openInstant(b.ctx, at.dir, {
      name: 'restored',
      label: basename(b.o.artifact),
      expectedFiles: at.expectedFiles,
      mounts: b.serverMounts,
      files: b.serverFiles,
      serverId: serverId(),
      extra: ['--event-scheduler=OFF'],
    }).catch((e: unknown) => {
      if (e instanceof ServerExitedError) throw new BadBackupError(`the server does not start read-only on the backup: ${e.message}`);
      throw e;
    }),
  );
  b.outcome.observations['instant'] = { folder: at.dir, prehashMs: opened.prehashMs, startMs: opened.startMs };
  return opened;
}

/** The ready datadir folder of a backup for an instant check, or bad input (exit 2) saying why there is none. */
export function instantFolder(a: DetectedArtifact, o: RestoreTestOptions): { dir: string; expectedFiles?: ArtifactFile[] } {
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

/** Starts a fresh server, with the dump file (if any: myloader reads its folder from this machine) mounted read-only at /dump. */
export function startForLoad(b: RestoreBench, dumpPath?: string): Promise<StartedNode> {
  return b.timed('start', () =>
    new NodeDefinition(b.ctx, {
      name: 'restored',
      mounts: [...b.serverMounts, ...(dumpPath ? [{ source: dumpPath, target: '/dump', readOnly: true }] : [])],
      files: b.serverFiles,
      server: { serverId: serverId(), skipReplicaStart: true, extra: ['--event-scheduler=OFF'] },
    }).start(),
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
