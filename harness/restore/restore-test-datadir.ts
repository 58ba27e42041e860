/**
 * A ready datadir from a physical backup, in a new labelled volume: an mbstream extracted, a mariabackup staged and
 * prepared (with its incrementals), then copied back; a firedrill artifact by its method's recipe; a MySQL clone
 * directory or a datadir copy as it is (InnoDB recovers a crash-consistent copy at start). The backup is only ever
 * mounted read-only.
 */
import { FLAVORS } from '../core/index.js';
import { methodByName, methodOf } from '../backup/index.js';
import { copyBack } from './copy-back.js';
import { MARIABACKUP_FILES, readMariabackupFiles } from './artifact-kinds/mariabackup.js';
import { checkFlavor } from './external.js';
import { BadBackupError } from './outcome.js';
import type { RestoreBench } from './restore-test-bench.js';

const ART = '/artifact';

/** Restores the backup's datadir into a new volume and returns the volume. */
export async function stageDatadir(b: RestoreBench): Promise<string> {
  const { outcome, timed, step } = b;
  const artifact = outcome.artifact;
  const artifactMount = { source: artifact.fullPath ?? artifact.path, target: ART, readOnly: true };
  const datadirVolume = await b.volume('restore-data');
  const chown = () => step('chown', ['chown', '-R', 'mysql:mysql', '/var/lib/mysql'], { volume: datadirVolume });
  if (artifact.kind === 'mariabackup' || artifact.kind === 'mbstream') {
    const needsStage = artifact.kind === 'mbstream' || !artifact.prepared || !!artifact.incrementals?.length;
    if (!needsStage) {
      await timed('copy-back', async () => {
        await step('copy-back', ['mariadb-backup', ...b.toolDefaults, '--copy-back', `--target-dir=${ART}`, '--datadir=/var/lib/mysql'], {
          volume: datadirVolume,
          mounts: [artifactMount],
        });
        await chown();
      });
      return datadirVolume;
    }
    const stage = await b.volume('restore-stage');
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
        await readStreamInfo(b, stage);
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
      const a = outcome.artifact;
      const mb = ['mariadb-backup', ...b.toolDefaults];
      if (!a.prepared || a.incrementals?.length) {
        await step('prepare', [...mb, '--prepare', '--target-dir=/stage/full'], { mounts: [{ source: stage, target: '/stage' }] });
      }
      for (const [i] of (a.incrementals ?? []).entries()) {
        await step(`prepare-inc-${i + 1}`, [...mb, '--prepare', '--target-dir=/stage/full', `--incremental-dir=/stage/inc-${i + 1}`], {
          mounts: [{ source: stage, target: '/stage' }],
        });
      }
    });
    await timed('copy-back', async () => {
      await step(
        'copy-back',
        ['mariadb-backup', ...b.toolDefaults, '--copy-back', '--target-dir=/stage/full', '--datadir=/var/lib/mysql'],
        {
          volume: datadirVolume,
          mounts: [{ source: stage, target: '/stage', readOnly: true }],
        },
      );
      await chown();
    });
  } else if (artifact.kind === 'firedrill-artifact') {
    const recipe = methodOf(artifact.manifest!).restore;
    if (recipe.kind !== 'datadir') throw new Error('unreachable');
    await timed('copy-back', async () => {
      // A ready datadir is copied by the harness straight into the volume (copy-back.ts); else the recipe's steps.
      if (recipe.asIs) {
        await copyBack(b.ctx, artifact.path, methodByName(artifact.manifest!.method), datadirVolume, 'restored');
        return;
      }
      for (const [i, argv] of recipe.steps(ART).entries())
        await step(`copy-back-${i + 1}`, argv, { volume: datadirVolume, mounts: [artifactMount] });
    });
  } else {
    // A MySQL clone directory or a datadir copy: copied as it is (InnoDB recovers a crash-consistent copy at start).
    await timed('copy-back', async () => {
      await step('copy-back', ['cp', '-a', `${ART}/.`, '/var/lib/mysql/'], { volume: datadirVolume, mounts: [artifactMount] });
      await chown();
    });
  }
  return datadirVolume;
}

/** An extracted mbstream's own info files: its version, position, time and whether it is prepared. */
async function readStreamInfo(b: RestoreBench, stage: string): Promise<void> {
  const { outcome, step } = b;
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
  const artifact = outcome.artifact;
  const inner = await readMariabackupFiles(artifact.path, async (names) => names.map((n) => files.get(n)).find((x) => x !== undefined));
  if (!inner) throw new BadBackupError('the mbstream holds no mariabackup checkpoints file (not a whole backup)');
  outcome.artifact = {
    ...artifact,
    version: inner.version,
    gtid: inner.gtid,
    prepared: inner.prepared,
    lsn: inner.lsn,
    ...(inner.createdAt ? { createdAt: inner.createdAt, createdAtFrom: 'the backup info file inside the stream (end_time)' } : {}),
  };
  const a = outcome.artifact;
  outcome.observations['artifact'] = {
    ...(outcome.observations['artifact'] as object),
    version: a.version,
    gtid: a.gtid,
    createdAt: a.createdAt,
    createdAtFrom: a.createdAtFrom,
  };
  checkFlavor(a, FLAVORS[b.o.flavor]);
}
