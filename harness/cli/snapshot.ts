import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ObjectStore, S3Address } from '../backup/object-store.js';
import { isS3Url, parseS3Url } from '../backup/s3-url.js';
import type { ShippedBackup } from '../backup/upload-backup.js';
import { familyOfVersion, UsageError } from '../core/index.js';
import { databasesOf, familyAdapter } from '../runtime/index.js';
import { inspect, type Statement } from '../sql/index.js';
import { takeState, type RecordedState } from '../verify/index.js';
import { connectDsn, dsnArg, type CliSession } from './connect.js';
import { err, JSON_OPTION, out, parseOptions, parseTimeout, printHelp, progressLine } from './options.js';

export const HELP_SNAPSHOT = `usage: firedrill snapshot --source DSN --out STATE.json [--databases a,b] [--hold-replica] [--timeout T]
       [--upload s3://bucket/folder/ [--artifact PATH]] [--json] [-- BACKUP COMMAND...]

Records the state a backup must restore to (run it when the backup is taken): per table row count, CHECKSUM TABLE and
row fingerprints, every schema object, accounts and grants (a salted digest stands for each password hash), the GTID
position. --hold-replica (on a replica): stop the SQL thread(s), snapshot, record the GTID, run the backup command
given after -- while the replica is still held, then start the SQL thread(s) again (always, also on failure).
DSN: mysql://user:\${PW}@host:port[/database][?ssl-mode=MODE&ssl-ca=PATH] (a path names the database, as --databases).
--upload s3://bucket/folder/: after the backup command succeeded (and the replica was released), ship what it wrote
(--artifact PATH: a folder, uploaded with a SHA256SUMS object, or a file, with a .sha256 sidecar) and the state, last,
as <folder>state.json: the layout chain verify and restore-test --point read. The store comes from the environment
(docs/s3.md); it is asked before anything runs, so a store that is down or refuses the keys ends the job first.
Passwords by \${VAR} in the DSN; never on argv or in the file. --timeout T (default 60 s): a server that gives no
answer to a query for that long ends the snapshot. Exit 0 recorded, 1 the backup command failed, 2 bad input or no
answer in time or a store that cannot be written (the backup and the state stay on disk).`;

function runCommand(argv: string[]): Promise<number> {
  return new Promise((res) => {
    const p = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', process.stderr, process.stderr] });
    p.on('error', (e) => {
      err(`firedrill: backup command could not start: ${e.message}`);
      res(127);
    });
    p.on('close', (code, signal) => res(code ?? (signal ? 128 : 1)));
  });
}

export async function cmdSnapshot(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    source: { type: 'string' },
    out: { type: 'string' },
    databases: { type: 'string' },
    'hold-replica': { type: 'boolean' },
    timeout: { type: 'string' },
    upload: { type: 'string' },
    artifact: { type: 'string' },
    ...JSON_OPTION,
  });
  if (values.help) return printHelp(HELP_SNAPSHOT);
  if (!values.source || !values.out) throw new UsageError('snapshot needs --source DSN and --out STATE.json');
  if (positionals.length && !values['hold-replica'])
    throw new UsageError('a backup command after -- runs while the replica is held: give --hold-replica');
  if (values.artifact && !values.upload) throw new UsageError('--artifact names what --upload ships: give --upload s3://bucket/folder/');
  if (values.upload && !isS3Url(values.upload)) throw new UsageError(`--upload ${values.upload}: give s3://bucket/folder/`);
  // the S3 client loads only when used
  const up = values.upload ? await import('../backup/upload-backup.js') : undefined;
  const uploadTo = up && values.upload ? up.uploadPrefix(parseS3Url(values.upload)) : undefined;
  const store = uploadTo ? (await import('../backup/object-store.js')).openObjectStore() : undefined;
  if (up && store && uploadTo) await up.storeReachable(store, uploadTo);
  const timeoutMs = parseTimeout(values.timeout);
  const source = dsnArg(values.source);
  const databases = databasesOf(values.databases, source);
  const q = await connectDsn(source, timeoutMs);
  let code = 0;
  try {
    const version = String((await q.query<{ v: string }>(inspect.serverVersion()))[0]?.v ?? '');
    const family = familyOfVersion(version);
    const fam = familyAdapter(family);
    const d = fam.dialect;
    if (databases) {
      const known = (await q.query<{ name: string }>(inspect.listDatabases())).map((r) => r.name);
      const unknown = databases.filter((x) => !known.includes(x));
      if (unknown.length) throw new UsageError(`--databases: ${unknown.join(', ')} not on ${q.name}`);
    }
    const channels = values['hold-replica']
      ? (await q.query<Record<string, unknown>>(d.replicaStatus())).map((r) => fam.replicaState(r).channel || undefined)
      : [];
    if (values['hold-replica'] && channels.length === 0)
      throw new UsageError(`--hold-replica: ${q.name} is not a replica (no replication channel)`);
    const t0 = Date.now();
    let state: RecordedState;
    let commandCode: number | undefined;
    for (const c of channels) await q.query(d.stopReplicaSqlThread(c));
    try {
      const gtid = async (s: Statement) => String((await q.query<{ gtid: string }>(s))[0]?.gtid ?? '');
      const replicaPos = await gtid(d.gtidReplicaPos());
      const executed = await gtid(d.gtidExecuted());
      if (channels.length) progressLine(`${q.name}: SQL thread(s) held at ${replicaPos}`);
      state = await takeState(q, {
        databases,
        label: q.name,
        family,
        gtidExecuted: executed,
        replicaPos,
        heldReplica: channels.length > 0,
        progress: progressLine,
      });
      state.timings['snapshotMs'] = Date.now() - t0;
      await mkdir(dirname(resolve(values.out)), { recursive: true });
      await writeFile(values.out, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
      if (positionals.length) {
        progressLine(`running the backup while ${q.name} is held: ${positionals.join(' ')}`);
        const tc = Date.now();
        commandCode = await runCommand(positionals);
        state.timings['backupCommandMs'] = Date.now() - tc;
        await writeFile(values.out, JSON.stringify({ ...state, backupCommand: { exitCode: commandCode } }, null, 2) + '\n', {
          mode: 0o600,
        });
        if (commandCode !== 0) {
          err(`firedrill: the backup command exited ${commandCode}`);
          code = 1;
        }
      }
    } finally {
      if (channels.length) {
        // On a session of its own when the first one went (a statement past --timeout takes its connection along).
        const start = async (s: CliSession) => {
          for (const c of channels) await s.query(d.startReplicaSqlThread(c));
        };
        await start(q).catch(async () => {
          const again = await connectDsn(source, timeoutMs);
          await start(again).finally(() => again.close());
        });
        progressLine(`${q.name}: SQL thread(s) started again`);
      }
    }
    let shipped: ShippedBackup | undefined;
    if (store && uploadTo && code === 0) shipped = await ship(store, uploadTo, values.artifact, values.out);
    else if (uploadTo) err(`firedrill: nothing uploaded to ${values.upload}: the backup command failed`);
    if (shipped === undefined && store && code === 0) code = 1;
    const summary = {
      out: resolve(values.out),
      source: q.name,
      version,
      gtid: state.gtid,
      databases: state.databases.length,
      tables: Object.keys(state.tables).length,
      rows: Object.values(state.tables).reduce((s, t) => s + t.rows, 0),
      objects: Object.keys(state.objects).length,
      accounts: Object.keys(state.accounts.list).length,
      ...(commandCode !== undefined ? { backupCommandExitCode: commandCode } : {}),
      ...(shipped ? { uploaded: shipped } : {}),
    };
    if (values.json) out(JSON.stringify(summary, null, 2));
    else
      out(
        `recorded ${summary.tables} tables (${summary.rows} rows), ${summary.objects} objects, ${summary.accounts} accounts of ${summary.source} at GTID ${state.gtid.replicaPos || state.gtid.executed || '(none)'} in ${summary.out}`,
      );
  } finally {
    await q.close();
  }
  return code;
}

/** Ships the backup and its state; a backup command that wrote nothing is a broken job (undefined: exit 1). */
async function ship(store: ObjectStore, at: S3Address, artifact: string | undefined, state: string): Promise<ShippedBackup | undefined> {
  const { MissingBackupError, shipBackup } = await import('../backup/upload-backup.js');
  try {
    const s = await shipBackup(store, at, { ...(artifact ? { artifact } : {}), state }, progressLine);
    progressLine(`uploaded the state to ${s.state.url}`);
    return s;
  } catch (e) {
    if (!(e instanceof MissingBackupError)) throw e;
    err(`firedrill: ${e.message}`);
    return undefined;
  }
}
