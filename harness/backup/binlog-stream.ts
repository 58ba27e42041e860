import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { waitUntil } from '../exec/index.js';
import { docker, putFiles } from '../runtime/docker.js';
import { copyOutOf, filesAreCopied, placeMounts } from '../runtime/mounts.js';
import { LABEL_NODE, type StartedNode } from '../runtime/node.js';
import type { TopologyContext } from '../runtime/context.js';
import { binlogSql } from '../sql/index.js';
import { compareBinlogCopies, type CheckResult } from '../verify/index.js';
import type { BackupStore } from './store.js';

const BINLOG_FILE = /^[\w.-]+\.\d{6}$/;
const IN_CONTAINER = '/binlogs';
/** The option file with the admin password lives only inside the streamer's container (docker cp from memory). */
const OPTION_DIR = '/etc';
const OPTION_NAME = 'firedrill-stream.cnf';
const OPTION_FILE = `${OPTION_DIR}/${OPTION_NAME}`;

export interface StreamRestart {
  killedAt: number;
  resumedAt: number;
  resumedFrom: string;
}

/**
 * Continuous binlog streaming into the backup store: the flavor's binlog tool reads the source's binlogs over the
 * replication protocol, raw, following rotation, in its own labelled container. Restart-safe: a streamer that dies
 * may leave its current file cut short; `resume()` starts again at that file, which the tool rewrites whole, so no
 * event is lost and none is written twice (proved by `compareWithSource`).
 */
export class BinlogStream {
  readonly restarts: StreamRestart[] = [];
  private generation = 0;
  private container = '';
  private killedAt = 0;

  private constructor(
    private readonly ctx: TopologyContext,
    readonly source: StartedNode,
    readonly dir: string,
    readonly connectionId: number,
    /** On an engine that does not share this machine's files: the run's volume the streamers write, copied to `dir`. */
    private readonly volume: string | undefined,
  ) {}

  /**
   * Starts streaming from the source's oldest binlog. The credentials go into an option file inside the streamer's
   * container only (never on the host's disk: a killed run leaves no password behind).
   */
  static async start(
    ctx: TopologyContext,
    source: StartedNode,
    store: BackupStore,
    connectionId = 9000 + source.serverId,
  ): Promise<BinlogStream> {
    const dir = join(store.hostDir, 'binlogs', source.name);
    await mkdir(dir, { recursive: true });
    const copied = await filesAreCopied();
    const volume = copied ? await ctx.run.volume(`binlogs-${source.name}`) : undefined;
    const s = new BinlogStream(ctx, source, dir, connectionId, volume);
    const [first] = await source.query<{ Log_name: string }>(binlogSql.binaryLogs());
    if (!first) throw new Error(`${source.name} has no binary logs to stream`);
    await s.launch(String(first.Log_name));
    return s;
  }

  /** Binlog files in the store, in order. */
  async files(): Promise<string[]> {
    await this.fetch();
    return (await readdir(this.dir)).filter((f) => BINLOG_FILE.test(f)).sort();
  }

  /** On an engine that copies files: brings the archive as the streamer wrote it so far into `dir` (also once it died). */
  private async fetch(): Promise<void> {
    if (this.volume && this.container) await copyOutOf(this.container, `${IN_CONTAINER}/.`, this.dir);
  }

  private async launch(firstFile: string): Promise<void> {
    this.generation++;
    const name = this.ctx.run.name(`binlog-stream-${this.source.name}-${this.generation}`);
    const argv = this.ctx.adapter.binlog.stream({
      optionFile: OPTION_FILE,
      host: this.source.name,
      connectionId: this.connectionId,
      dir: IN_CONTAINER,
      firstFile,
    });
    // Registered for removal before it exists: a run interrupted right after `create` still removes it.
    this.ctx.run.onTeardown(`remove container ${name}`, async () => {
      await docker(['rm', '-f', '-v', name]);
    });
    await docker([
      'create',
      '--name',
      name,
      '--network',
      this.ctx.network.name,
      ...this.ctx.run.labelArgs(),
      '--label',
      `${LABEL_NODE}=binlog-stream`,
      ...(
        await placeMounts(this.ctx.run, name, [{ source: this.dir, target: IN_CONTAINER, ...(this.volume ? { volume: this.volume } : {}) }])
      ).args,
      '--entrypoint',
      argv[0]!,
      this.ctx.image,
      ...argv.slice(1),
    ]);
    await putFiles(name, OPTION_DIR, [
      { name: OPTION_NAME, mode: 0o600, content: `[client]\nuser=${this.ctx.creds.admin}\npassword=${this.ctx.creds.adminPassword}\n` },
    ]);
    await docker(['start', name]);
    this.container = name;
    // Running, and the first file has appeared: the streamer is connected.
    await waitUntil(
      async () => {
        const st = await docker(['inspect', '-f', '{{.State.Running}} {{.State.ExitCode}}', name]);
        if (!st.stdout.startsWith('true'))
          throw new Error(`binlog streamer exited: ${(await docker(['logs', '--tail', '5', name])).stderr.trim()}`);
        return (await this.files()).includes(firstFile);
      },
      Boolean,
      {
        what: `the binlog streamer to write ${firstFile}`,
        timeoutMs: 60_000,
        intervalMs: 100,
        abortOn: (e) => e instanceof Error && /exited/.test(e.message),
      },
    );
    this.ctx.progress(`binlog stream of ${this.source.name}: streaming from ${firstFile} into ${this.dir}`);
  }

  /** SIGKILL the streamer: a crash, mid-event if the source is busy. */
  async kill(): Promise<void> {
    await docker(['kill', '--signal', 'KILL', this.container]);
    this.killedAt = Date.now();
  }

  /** Starts a new streamer at the newest file in the store (possibly cut short by the crash); it is rewritten whole. */
  async resume(): Promise<string> {
    const files = await this.files();
    const last = files[files.length - 1];
    if (!last) throw new Error(`no binlog in ${this.dir} to resume from`);
    await docker(['rm', '-f', '-v', this.container]);
    await this.launch(last);
    this.restarts.push({ killedAt: this.killedAt, resumedAt: Date.now(), resumedFrom: last });
    return last;
  }

  /** Stops streaming (idempotent). */
  async stop(): Promise<void> {
    if (!this.container) return;
    if (this.volume) await docker(['kill', this.container]).catch(() => undefined);
    await this.fetch();
    await docker(['rm', '-f', '-v', this.container]);
    this.container = '';
  }

  /**
   * Waits until the stream has caught up with every binlog the source lists (sizes equal), then compares every file
   * byte for byte with the source's own (copied out read-only). The verdict names any file short, long or different.
   */
  async compareWithSource(name: string, timeoutS = 120): Promise<CheckResult> {
    const sourceFiles = async () =>
      (await this.source.query<{ Log_name: string; File_size: string | number }>(binlogSql.binaryLogs())).map((r) => ({
        name: String(r.Log_name),
        bytes: Number(r.File_size),
      }));
    const sizes = async () => {
      await this.fetch();
      return Promise.all(
        (await sourceFiles()).map(async (f) => ({
          ...f,
          copied: await stat(join(this.dir, f.name)).then(
            (s) => s.size,
            () => -1,
          ),
        })),
      );
    };
    const caught = await waitUntil(sizes, (fs) => fs.every((f) => f.copied === f.bytes), {
      what: `the binlog stream of ${this.source.name} to reach the source's binlog sizes`,
      timeoutMs: timeoutS * 1000,
      intervalMs: 200,
    }).then(
      () => true,
      () => false,
    );
    const src = await sourceFiles();
    const scratch = await mkdtemp(join(await this.ctx.run.tempDir(), 'binlog-src-'));
    try {
      for (const f of src) await this.source.container.copyOut(`/var/lib/mysql/${f.name}`, join(scratch, f.name));
      const names = [...new Set([...src.map((f) => f.name), ...(await this.files())])].sort();
      const r = await compareBinlogCopies(
        name,
        names.map((n) => ({
          name: n,
          source: src.some((f) => f.name === n) ? join(scratch, n) : undefined,
          copy: join(this.dir, n),
        })),
      );
      return { ...r, details: { ...r.details, caughtUpBeforeCompare: caught, restarts: this.restarts } };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}
