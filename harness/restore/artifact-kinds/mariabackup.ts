/**
 * A mariabackup (or xtrabackup-style) directory, full or incremental, prepared or not: read from its checkpoints and
 * info files (named `mariadb_backup_*` or `xtrabackup_*` by version; whichever exists).
 */
import { parseBinlogInfo, parseSlaveInfo, readFirst } from '../../backup/index.js';
import { type ArtifactDetector, type DetectedArtifact, NotABackupError, parseServerVersion, parseToolTime } from './detected.js';

const CHECKPOINTS = ['mariadb_backup_checkpoints', 'xtrabackup_checkpoints'];
const INFO = ['mariadb_backup_info', 'xtrabackup_info'];
const SLAVE_INFO = ['mariadb_backup_slave_info', 'xtrabackup_slave_info'];
const BINLOG_INFO = ['mariadb_backup_binlog_info', 'xtrabackup_binlog_info'];
export const MARIABACKUP_FILES = () => [...CHECKPOINTS, ...INFO, ...SLAVE_INFO, ...BINLOG_INFO];

/** `key = value` lines of mariabackup's checkpoints and info files. */
function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Reads a mariabackup directory (full or incremental) from its checkpoints and info files. */
export function readMariabackupDir(dir: string): Promise<DetectedArtifact | undefined> {
  return readMariabackupFiles(dir, (names) => readFirst(dir, names));
}

/** The same from a reader of its files by name (the first of the names that exists), e.g. inside a container. */
export async function readMariabackupFiles(
  dir: string,
  read: (names: readonly string[]) => Promise<string | undefined>,
): Promise<DetectedArtifact | undefined> {
  const cp = await read(CHECKPOINTS);
  if (cp === undefined) return undefined;
  const c = parseKeyValues(cp);
  const info = parseKeyValues((await read(INFO)) ?? '');
  const sv = parseServerVersion(info['server_version'] ?? info['ibbackup_version'] ?? info['tool_version'] ?? '');
  const slave = await read(SLAVE_INFO);
  const binlog = await read(BINLOG_INFO);
  const gtid = (slave ? parseSlaveInfo(slave) : undefined) ?? (binlog ? parseBinlogInfo(binlog)?.gtid : undefined);
  const type = c['backup_type'] ?? '';
  const prepared = type === 'log-applied' || type === 'full-prepared';
  const createdAt = parseToolTime(info['end_time'] ?? '') ?? parseToolTime(info['start_time'] ?? '');
  const what =
    type === 'incremental'
      ? 'an incremental mariabackup directory'
      : prepared
        ? 'a prepared mariabackup directory'
        : 'an unprepared mariabackup directory';
  return {
    kind: 'mariabackup',
    path: dir,
    description: `${what}${sv ? ` (${sv.family === 'mariadb' ? 'MariaDB' : 'MySQL'} ${sv.version})` : ''}`,
    family: sv?.family ?? 'mariadb',
    version: sv?.version,
    prepared,
    lsn: { from: Number(c['from_lsn'] ?? 0), to: Number(c['to_lsn'] ?? 0), last: Number(c['last_lsn'] ?? c['to_lsn'] ?? 0) },
    ...(type === 'incremental' ? { incrementals: [] } : {}),
    ...(createdAt ? { createdAt, createdAtFrom: 'the backup info file (end_time)' } : {}),
    ...(gtid ? { gtid } : {}),
  };
}

export const isIncremental = (a: DetectedArtifact) => a.incrementals !== undefined && a.lsn !== undefined && a.lsn.from > 0;

/** One mariabackup directory; an incremental alone is bad input (it needs its full backup). */
export const mariabackup: ArtifactDetector = {
  on: 'directory',
  lacking: 'no mariabackup checkpoints file',
  async detect(dir) {
    const mb = await readMariabackupDir(dir);
    if (mb && isIncremental(mb))
      throw new NotABackupError(
        `${dir} is an incremental mariabackup: give the full backup with --artifact and this one with --incremental`,
      );
    return mb;
  },
};
