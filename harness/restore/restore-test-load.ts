/**
 * What a restore test applies to the restored server: a dump (or a firedrill logical artifact) through the server's own
 * client with binary logging off, and the team's binlog archive (`--binlogs --until`) replayed onto the backup through
 * the one binlog replay (binlog-replay.ts). A client or tool that refuses them is a bad backup.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { methodOf } from '../backup/index.js';
import { withHeartbeat } from '../exec/index.js';
import type { StartedNode } from '../runtime/node.js';
import { grantTablesSql } from '../sql/index.js';
import { check } from '../verify/index.js';
import { replayBinlogs, ReplayStopNotFoundError } from './binlog-replay.js';
import { NotABackupError } from './external.js';
import {
  BadBackupError,
  ENCRYPTED_TABLE_OPTION,
  firstClientError,
  isToolRefusal,
  keysMissing,
  pluginNotLoaded,
  wrongCreateOptions,
} from './outcome.js';
import type { RestoreBench } from './restore-test-bench.js';

const LOAD_TIMEOUT_MS = 4 * 60 * 60_000;

/** The library that loads an authentication plugin a build ships as a file (MariaDB ed25519, parsec, pam; MySQL auth_socket, mysql_no_login). */
const PLUGIN_LIBRARY: Record<string, string> = {
  ed25519: 'auth_ed25519',
  parsec: 'auth_parsec',
  pam: 'auth_pam',
  auth_socket: 'auth_socket.so',
  mysql_no_login: 'mysql_no_login.so',
};

/** Whether the dump (read again, in the restore container) holds a table created ENCRYPTED=YES. */
async function holdsEncryptedTable(node: StartedNode, decompress: string): Promise<boolean> {
  return node.container
    .exec(['sh', '-c', `${decompress} | grep -q -i -E -e "$0"`, ENCRYPTED_TABLE_OPTION], { timeoutMs: LOAD_TIMEOUT_MS })
    .then(
      () => true,
      () => false,
    );
}

/** The dump file of a dump or of a firedrill logical artifact. */
export function dumpFileOf(b: RestoreBench): string {
  const a = b.outcome.artifact;
  return a.kind === 'dump' ? a.path : join(a.path, (methodOf(a.manifest!).restore as { dumpFile: string }).dumpFile);
}

/** Loads the dump mounted at /dump into the fresh server as the test's admin. */
export async function loadDump(b: RestoreBench, node: StartedNode, dumpPath: string): Promise<void> {
  const { ctx, adminClient, adminNames } = b;
  const artifact = b.outcome.artifact;
  const d = ctx.adapter.dialect;
  await b.timed('load', async () => {
    const init = `--init-command=${d.loadSessionInit()}`;
    const decompress =
      artifact.compression === 'gzip' ? 'gzip -dc /dump' : artifact.compression === 'zstd' ? 'zstd -dc /dump' : 'cat /dump';
    try {
      await withHeartbeat(
        b.o.progress,
        `load ${basename(dumpPath)}`,
        // A whole-server dump's accounts replace those a fresh server already has (d.wholeDumpFilter).
        d.wholeDumpFilter
          ? node.container.exec(['sh', '-c', `${decompress} | sed -e "$0" | "$@"`, d.wholeDumpFilter(adminNames), ...adminClient, init], {
              timeoutMs: LOAD_TIMEOUT_MS,
            })
          : node.container.exec(['sh', '-c', `${decompress} | "$@"`, 'sh', ...adminClient, init], { timeoutMs: LOAD_TIMEOUT_MS }),
      );
    } catch (e) {
      if (!isToolRefusal(e)) throw e;
      const plugin = pluginNotLoaded(firstClientError(e));
      if (plugin)
        throw new NotABackupError(
          `${dumpPath}: the dump's accounts use the authentication plugin '${plugin}', which the restore server does not load (give the source's my.cnf with --server-config, e.g. plugin_load_add = ${PLUGIN_LIBRARY[plugin] ?? `<the library of ${plugin}>`})`,
        );
      const refused = firstClientError(e);
      if (wrongCreateOptions(refused) && (await holdsEncryptedTable(node, decompress)))
        throw new NotABackupError(`${dumpPath}: ${keysMissing('the load', refused)}`);
      throw new BadBackupError(`the dump does not load: ${refused}`);
    }
  });
  if (artifact.kind === 'dump' && (artifact.dumpDatabases ?? []).includes('mysql')) await adoptGrantTables(b, node);
  if (artifact.kind === 'firedrill-artifact' && artifact.manifest)
    for (const s of d.adoptReplicaPosition(artifact.manifest.position.gtid)) await node.query(s);
}

/**
 * A load that replaced the grant tables (a whole-server dump; `rows`: a mydumper folder, whose tables came back row by
 * row without the test's admin): the server reads them, the test's own admin is made again on the session that loaded.
 */
export async function adoptGrantTables(b: RestoreBench, node: StartedNode, rows = false): Promise<void> {
  await node.query(grantTablesSql.reloadGrantTables());
  const users = b.ctx.adapter.dialect.bootstrapUsers(b.ctx.creds);
  for (const s of rows ? grantTablesSql.withoutProxyGrants(users) : users) await node.query(s);
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
 * up to the target (a GTID, included; or a time: everything written before it), original GTIDs kept; then checks the
 * server holds the last one (binlog-replay). Returns the position the server stands at after it.
 */
export async function replayArchive(b: RestoreBench, node: StartedNode, backupGtid: string | undefined, scratch: string) {
  const { ctx } = b;
  const archive = b.o.binlogs!;
  const files = await binlogFiles(archive.dir);
  const point = backupGtid ?? '';
  const r = await b.timed('replay-binlogs', async () => {
    try {
      return await replayBinlogs(ctx, node, {
        archive: { dir: archive.dir, files },
        backupPoint: point,
        stop: 'gtid' in archive.until ? { throughGtid: archive.until.gtid } : { beforeTime: archive.until.time },
        label: 'rt',
        work: join(scratch, 'binlog-work'),
        client: { argv: b.adminClient, timeoutMs: LOAD_TIMEOUT_MS },
      });
    } catch (e) {
      if (e instanceof ReplayStopNotFoundError)
        throw new BadBackupError(`--until ${e.message} (${files.length} binlog file(s) of ${archive.dir})`);
      if (!isToolRefusal(e)) throw e;
      throw new BadBackupError(`the binlog replay fails: ${firstClientError(e)}`);
    }
  });
  const lastApplied = r.applied.at(-1)?.gtid;
  b.outcome.observations['binlogReplay'] = {
    files,
    transactionsApplied: r.applied.length,
    ...(lastApplied ? { firstApplied: r.applied[0]!.gtid } : {}),
    lastApplied,
    stoppedBefore: r.stoppedBefore?.gtid,
    ...(lastApplied ? { replaySqlBytes: r.replaySqlBytes } : {}),
  };
  if (!lastApplied) return backupGtid;
  // The server must now hold the last transaction replayed; the position is the backup's advanced to it.
  const [w] = await node.query<{ gtid: string }>(ctx.adapter.dialect.gtidWritten());
  const written = String(w?.gtid ?? '');
  let holds = false;
  try {
    holds =
      written.split(',').some((g) => ctx.adapter.gtid.contains(g.trim(), lastApplied)) || ctx.adapter.gtid.contains(written, lastApplied);
  } catch {
    holds = false;
  }
  b.outcome.checks.push(
    check(
      'binlog-replay',
      holds ? [] : [{ database: '*', object: 'gtid', kind: 'replayed-transaction-missing', expected: lastApplied, actual: written }],
      { transactionsApplied: r.applied.length, lastApplied, stoppedBefore: r.stoppedBefore?.gtid },
    ),
  );
  // every transaction applied moves the position (a MySQL set gains each one; a MariaDB domain its last)
  return r.applied.reduce((pos, t) => (pos ? ctx.adapter.gtid.advance(pos, t.gtid) : t.gtid), point);
}
