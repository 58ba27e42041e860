/**
 * A mariabackup chain: a full backup and its incrementals, given as one folder holding them (any names) or as
 * `--artifact FULL --incremental DIR...`; ordered by LSN, each starting where the one before ended.
 */
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type ArtifactDetector, type DetectedArtifact, NotABackupError } from './detected.js';
import { isIncremental, readMariabackupDir } from './mariabackup.js';

/**
 * Orders a full mariabackup and its incrementals by LSN and checks that each one starts where the one before
 * ended. Returns the problem when the chain is broken (a missing or foreign incremental: a bad backup).
 */
export function orderChain(full: DetectedArtifact, incs: readonly DetectedArtifact[]): { chain: DetectedArtifact; broken?: string } {
  // By start, then by end: to_lsn is the last checkpoint and may stay the same across incrementals taken close
  // together; last_lsn always grows.
  const sorted = [...incs].sort((a, b) => (a.lsn?.from ?? 0) - (b.lsn?.from ?? 0) || (a.lsn?.last ?? 0) - (b.lsn?.last ?? 0));
  let to = full.lsn?.to ?? 0;
  for (const i of sorted) {
    if ((i.lsn?.from ?? -1) !== to) {
      return {
        chain: { ...full, incrementals: sorted },
        broken: `incremental ${i.path} starts at LSN ${i.lsn?.from}, but the backup before it ends at LSN ${to}: the chain is broken (an incremental is missing or from another backup)`,
      };
    }
    to = i.lsn!.to;
  }
  const last = sorted[sorted.length - 1];
  return {
    chain: {
      ...full,
      incrementals: sorted,
      ...(last?.gtid ? { gtid: last.gtid } : {}),
      ...(last?.createdAt ? { createdAt: last.createdAt, createdAtFrom: full.createdAtFrom } : {}),
      description: sorted.length
        ? `a mariabackup chain: full + ${sorted.length} incremental(s)${full.version ? ` (MariaDB ${full.version})` : ''}`
        : full.description,
    },
  };
}

/** A folder holding a full mariabackup and its incrementals. */
export const mariabackupChain: ArtifactDetector = {
  on: 'directory',
  async detect(dir) {
    const subs: DetectedArtifact[] = [];
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const s = await readMariabackupDir(join(dir, e.name));
      if (s) subs.push(s);
    }
    const fulls = subs.filter((s) => !isIncremental(s));
    if (fulls.length > 1)
      throw new NotABackupError(
        `${dir} holds ${fulls.length} full mariabackups (${fulls.map((f) => basename(f.path)).join(', ')}): point --artifact at one of them`,
      );
    if (fulls.length === 0) return undefined;
    const { chain, broken } = orderChain(fulls[0]!, subs.filter(isIncremental));
    return { ...chain, path: dir, fullPath: fulls[0]!.path, ...(broken ? { damaged: broken } : {}) };
  },
};

/** A full mariabackup and the incrementals given with --incremental, as one chain. */
export async function withIncrementals(full: DetectedArtifact, incrementals: readonly string[], given: string): Promise<DetectedArtifact> {
  if (full.kind !== 'mariabackup' || full.incrementals?.length)
    throw new NotABackupError(`--incremental applies to a full mariabackup directory; ${given} is ${full.description}`);
  const incs: DetectedArtifact[] = [];
  for (const i of incrementals) {
    const d = await readMariabackupDir(resolve(i));
    if (!d || !isIncremental(d))
      throw new NotABackupError(`${i} is not an incremental mariabackup directory (no checkpoints file with backup_type = incremental)`);
    incs.push(d);
  }
  const { chain, broken } = orderChain(full, incs);
  return { ...chain, ...(broken ? { damaged: broken } : {}) };
}
