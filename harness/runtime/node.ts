import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import mysql from 'mysql2/promise';
import { format } from 'mysql2';
import { waitUntil, type RunOptions, type RunResult } from '../exec/index.js';
import type { Statement } from '../sql/index.js';
import type { FlavorAdapter, ServerOptions } from './adapter.js';
import { docker, inspect } from './docker.js';
import type { TopologyContext } from './context.js';
import { oneShot } from './oneshot.js';

export const LABEL_NODE = 'firedrill.node';

export interface Mount { source: string; target: string; readOnly?: boolean }

export interface NodeSpec {
  /** Logical name ('primary', 'replica-1'): the container's network alias and hostname. */
  name: string;
  server: ServerOptions;
  /** Host folders mounted into the container. */
  mounts?: readonly Mount[];
  /** An existing volume holding a prepared datadir (a restore); by default a fresh volume seeded from the template. */
  datadirVolume?: string;
  /** Skip creating firedrill's users (a restored datadir already has them). */
  skipBootstrap?: boolean;
  /** A static address on the run's network (which then has a fixed subnet). */
  ip?: string;
  /** Galera: this node's first start bootstraps a new cluster. */
  bootstrapCluster?: boolean;
}

const READY_TIMEOUT_MS = 120_000;

/** A node that is described but not running. `start()` returns the running handle. */
export class NodeDefinition {
  constructor(private readonly ctx: TopologyContext, readonly spec: NodeSpec) {}

  async start(): Promise<StartedNode> {
    const { run, network, adapter, image } = this.ctx;
    const container = run.name(this.spec.name);
    let volume = this.spec.datadirVolume;
    if (!volume) {
      volume = run.name(`${this.spec.name}-data`);
      await docker(['volume', 'create', ...run.labelArgs(), volume]);
      const v = volume;
      run.onTeardown(`remove volume ${v}`, async () => { await docker(['volume', 'rm', '-f', v]); });
    }
    const mounts = (this.spec.mounts ?? []).flatMap((m) => ['-v', `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`]);
    if (this.spec.bootstrapCluster) {
      await oneShot(this.ctx, { name: `${this.spec.name}-init`, volume, argv: ['touch', '/var/lib/mysql/.fd-bootstrap-once'] });
    }
    await docker(['run', '-d', '--name', container, '--hostname', this.spec.name, '--network', network.name,
      '--network-alias', this.spec.name, ...(this.spec.ip ? ['--ip', this.spec.ip] : []),
      ...(this.spec.server.galera ? ['-e', 'FIREDRILL_GALERA=1'] : []),
      ...run.labelArgs(), '--label', `${LABEL_NODE}=${this.spec.name}`,
      '-v', `${volume}:/var/lib/mysql`, ...mounts, image, ...adapter.serverCommand(this.spec.server)]);
    run.onTeardown(`remove container ${container}`, async () => { await docker(['rm', '-f', '-v', container]); });
    const node = new StartedNode(this.ctx, this.spec, container, volume);
    await node.waitReady();
    if (!this.spec.skipBootstrap) await node.clientSql(this.ctx.adapter.dialect.bootstrapUsers(this.ctx.creds));
    await node.refreshAddress();
    return node;
  }
}

/** A running (or killed, restartable) server container. */
export class StartedNode implements AsyncDisposable {
  private conn: mysql.Connection | undefined;
  private ip = '';
  /** Rejecters of queries in flight on the shared connection: a dropped connection fails them at once. */
  private readonly inFlight = new Set<(e: Error) => void>();

  constructor(private readonly ctx: TopologyContext, readonly spec: NodeSpec, readonly container: string, readonly volume: string) {}

  get name(): string { return this.spec.name; }
  get adapter(): FlavorAdapter { return this.ctx.adapter; }
  get address(): string { return this.ip; }
  get serverId(): number { return this.spec.server.serverId; }
  get context(): TopologyContext { return this.ctx; }

  async refreshAddress(): Promise<void> {
    const info = await inspect<{ NetworkSettings: { Networks: Record<string, { IPAddress: string }> } }>('container', this.container);
    this.ip = info.NetworkSettings.Networks[this.ctx.network.name]?.IPAddress ?? '';
    if (!this.ip) throw new Error(`${this.name}: no address on network ${this.ctx.network.name}`);
  }

  async state(): Promise<{ running: boolean; status: string; restartCount: number; exitCode: number }> {
    const i = await inspect<{ State: { Running: boolean; Status: string; ExitCode: number }; RestartCount: number }>('container', this.container);
    return { running: i.State.Running, status: i.State.Status, restartCount: i.RestartCount, exitCode: i.State.ExitCode };
  }

  /** Waits until the server answers on its socket; fails at once, with the log tail, if the container exits. */
  async waitReady(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    await waitUntil(async () => {
      const s = await this.state();
      if (!s.running) throw new ServerExitedError(this.name, s.exitCode, await this.logsTail(15));
      await this.exec(this.adapter.ping, { timeoutMs: 10_000 });
      return true;
    }, (ok) => ok, {
      what: `${this.name} to answer ping`, timeoutMs, intervalMs: 150, abortOn: (e) => e instanceof ServerExitedError,
    });
  }

  async logsTail(lines = 30): Promise<string> {
    const r = await docker(['logs', '--tail', String(lines), this.container]).catch(() => undefined);
    return r ? (r.stdout + r.stderr).trim() : '';
  }

  /** Runs a program inside the container (argv, no shell). */
  exec(argv: readonly string[], opts: RunOptions & { user?: string } = {}): Promise<RunResult> {
    const stdin = opts.input !== undefined || opts.inputFile !== undefined;
    return docker(['exec', ...(stdin ? ['-i'] : []), ...(opts.user ? ['-u', opts.user] : []), this.container, ...argv], opts);
  }

  /** Feeds statements to the in-container client over stdin (used before firedrill's network user exists). */
  async clientSql(statements: readonly Statement[]): Promise<RunResult> {
    const text = statements.map((s) => format(s.sql, (s.values ?? []) as never[]) + ';\n').join('');
    return this.exec(this.adapter.client, { input: text, timeoutMs: 60_000 });
  }

  /** Loads a SQL file through the in-container client (handles DELIMITER, as the client does). */
  async loadSqlFile(path: string, database?: string): Promise<RunResult> {
    return this.exec([...this.adapter.client, ...(database ? [database] : [])], { inputFile: path, timeoutMs: 30 * 60_000 });
  }

  /** A new dedicated connection as firedrill's admin user. The caller closes it. */
  async connect(): Promise<mysql.Connection> {
    return mysql.createConnection({
      host: this.ip, port: 3306, user: this.ctx.creds.admin, password: this.ctx.creds.adminPassword,
      dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, connectTimeout: 5000, multipleStatements: false,
    });
  }

  /** Runs one statement on the node's shared connection, reconnecting if the last one was lost. */
  async query<T = Record<string, unknown>>(stmt: Statement): Promise<T[]> {
    if (!this.conn) {
      const c = await this.connect();
      c.on('error', () => { if (this.conn === c) this.conn = undefined; });
      this.conn = c;
    }
    let reject!: (e: Error) => void;
    const dropped = new Promise<never>((_, rej) => { reject = rej; });
    this.inFlight.add(reject);
    try {
      const [rows] = await Promise.race([this.conn.query(stmt.sql, stmt.values), dropped]);
      return rows as T[];
    } catch (e) {
      if (isConnectionError(e)) await this.dropConnection();
      throw e;
    } finally {
      this.inFlight.delete(reject);
    }
  }

  /**
   * Closes the shared connection. Queries still in flight fail at once: a killed or cut-off server never answers
   * (no RST reaches the client), and destroying the socket alone does not settle them.
   */
  async dropConnection(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    for (const rej of this.inFlight) rej(Object.assign(new Error(`${this.name}: connection dropped while a query was running`), { code: 'PROTOCOL_CONNECTION_LOST' }));
    this.inFlight.clear();
    if (c) c.destroy();
  }

  /** Sends a signal to the server process (PID 1): SIGKILL is a crash with no chance to flush anything. */
  async kill(signal = 'KILL'): Promise<void> {
    await this.dropConnection();
    await docker(['kill', '--signal', signal, this.container]);
  }

  /** Starts the container again after a kill or stop, waits until ready, re-reads its address. */
  async restart(): Promise<void> {
    await this.dropConnection();
    await docker(['start', this.container]);
    await this.waitReady();
    await this.refreshAddress();
  }

  async stop(timeoutS = 60): Promise<void> {
    await this.dropConnection();
    await docker(['stop', '-t', String(timeoutS), this.container], { timeoutMs: (timeoutS + 30) * 1000 });
  }

  async remove(): Promise<void> {
    await this.dropConnection();
    await docker(['rm', '-f', '-v', this.container]);
  }

  /** Removes the container and its datadir volume: the node and its data are gone for good. */
  async destroy(): Promise<void> {
    await this.remove();
    await docker(['volume', 'rm', '-f', this.volume]);
  }

  /** Writes a file into the container (docker cp from a private temporary file). */
  async putFile(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'fd-put-'));
    try {
      const f = join(dir, basename(path));
      await writeFile(f, content, { mode });
      await docker(['cp', f, `${this.container}:${path}`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Copies a file out of the container to a host path (docker cp: reads only, works on a stopped container). */
  async copyOut(path: string, hostPath: string): Promise<void> {
    await docker(['cp', `${this.container}:${path}`, hostPath]);
  }

  /** Freezes every process of the container (cgroup freezer). */
  async pause(): Promise<void> { await docker(['pause', this.container]); }
  async unpause(): Promise<void> { await docker(['unpause', this.container]); }

  /** Cuts the container off the topology's network (no route in or out, no RST: peers find out by timeout). */
  async disconnectNetwork(): Promise<void> {
    await this.dropConnection();
    await docker(['network', 'disconnect', '--force', this.ctx.network.name, this.container]);
  }

  /** Puts the container back on the network under its name, and re-reads its address. */
  async connectNetwork(): Promise<void> {
    await docker(['network', 'connect', '--alias', this.name, ...(this.spec.ip ? ['--ip', this.spec.ip] : []), this.ctx.network.name, this.container]);
    await this.refreshAddress();
  }

  /**
   * Runs one statement through the in-container client over the local socket: works while the node is cut off
   * from the network. Rows come back as objects of strings (NULL as null).
   */
  async localQuery(stmt: Statement): Promise<Array<Record<string, string | null>>> {
    const text = format(stmt.sql, (stmt.values ?? []) as never[]);
    const r = await this.exec(this.adapter.client, { input: text + ';\n', timeoutMs: 30_000 });
    const lines = r.stdout.split('\n').filter((l) => l.length > 0);
    const unescape = (v: string) => (v === 'NULL' ? null : v.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', '0': '\0' } as Record<string, string>)[c] ?? c));
    const header = (lines.shift() ?? '').split('\t');
    return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [header[i] ?? String(i), unescape(v)])));
  }

  async [Symbol.asyncDispose](): Promise<void> { await this.remove(); }
}

export class ServerExitedError extends Error {
  constructor(node: string, exitCode: number, logTail: string) {
    super(`${node}: server exited (code ${exitCode}); last log lines:\n${logTail}`);
    this.name = 'ServerExitedError';
  }
}

const CONNECTION_ERRORS = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE',
  'EHOSTUNREACH', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED', 'PROTOCOL_SEQUENCE_TIMEOUT']);

/** True for errors after which the client cannot know what the server did (lost connection, server gone). */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  if (code && CONNECTION_ERRORS.has(code)) return true;
  return e instanceof Error && /closed state|Connection lost|socket hang up/i.test(e.message);
}
