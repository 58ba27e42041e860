import { isSecretOption, overridesFor, USER_CONFIG_NAME, type NodeRole, type ServerConfig } from './server-config.js';
import { inspect } from '../sql/index.js';
import { format } from 'mysql2';
import { waitUntil, type RunResult } from '../exec/index.js';
import type { Statement } from '../sql/index.js';
import type { FlavorAdapter, ServerOptions } from './adapter.js';
import { NodeContainer, SQL_PORT, type ContainerState, type RemovedState } from './container.js';
import type { TopologyContext } from './context.js';
import { docker, putAllFiles, type ContainerFiles } from './docker.js';
import { currentEngine, publishArgs, type Reached } from './engine.js';
import { placeMounts, type Mount } from './mounts.js';
import { loadConfig } from './config.js';
import { keepNodeLogs, saveNodeLogs, type NodeLogSource } from './node-logs.js';
import { oneShot } from './oneshot.js';
import type { Connection } from './connection.js';
import { readyTimeoutMs, redoCapacity, type RecoveryWork } from './ready-timeout.js';
import { ServerSession } from './session.js';

/** What the mariabackup SST script leaves in a Galera node's datadir: the donor's backup log, the joiner's prepare and move logs. */
const GALERA_SST_LOGS = ['backup', 'prepare', 'move'].map((l) => `/var/lib/mysql/mariabackup.${l}.log`);

const roleOf = (o: ServerOptions): NodeRole => ({
  serverId: o.serverId,
  readOnly: !!o.readOnly,
  galera: !!o.galera,
  skipReplicaStart: !!o.skipReplicaStart,
});

export const LABEL_NODE = 'firedrill.node';

export type { Mount } from './mounts.js';

export interface NodeSpec {
  /** Logical name ('primary', 'replica-1'): the container's network alias and hostname. */
  name: string;
  server: ServerOptions;
  /**
   * Harness folders the container needs (never a file holding a secret: see `files`), placed by `placeMounts`: on a
   * remote engine copied in before the start, so inputs only; a folder the server writes names its `volume`.
   */
  mounts?: readonly Mount[];
  /**
   * Files the container gets from memory before it starts (option files with passwords, an init file): put into the
   * created container as an archive, never written on the host.
   */
  files?: readonly ContainerFiles[];
  /** What the server must recover at start (a restored datadir): its ready deadline grows with it (ready-timeout.ts). */
  recovery?: RecoveryWork;
  /** An existing volume holding a prepared datadir (a restore); by default a fresh volume seeded from the template. */
  datadirVolume?: string;
  /** Skip creating firedrill's users (a restored datadir already has them). */
  skipBootstrap?: boolean;
  /** A static address on the run's network (which then has a fixed subnet). */
  ip?: string;
  /** Galera: this node's first start bootstraps a new cluster. */
  bootstrapCluster?: boolean;
}

/** A node that is described but not running. `start()` returns the running handle. */
export class NodeDefinition {
  constructor(
    private readonly ctx: TopologyContext,
    readonly spec: NodeSpec,
  ) {}

  async start(): Promise<StartedNode> {
    const { run, network, adapter, image } = this.ctx;
    const container = run.name(this.spec.name);
    const volume = this.spec.datadirVolume ?? (await run.volume(`${this.spec.name}-data`));
    const mounts = await placeMounts(run, container, this.spec.mounts ?? []);
    if (this.spec.bootstrapCluster) {
      await oneShot(this.ctx, { name: `${this.spec.name}-init`, volume, argv: ['touch', '/var/lib/mysql/.fd-bootstrap-once'] });
    }
    // --server-config: the user's file after firedrill's defaults; the options the topology needs pinned on the command line.
    const sc = this.ctx.serverConfig;
    const command = adapter.serverCommand(this.spec.server);
    const pinned = sc ? overridesFor(sc.cfg, adapter.flavor.family, roleOf(this.spec.server), command) : undefined;
    if (sc && pinned) sc.overrides[this.spec.name] = pinned.overrides;
    // and the files it names (a key file), from memory: the same on every node of the run
    const userConfig: ContainerFiles[] = sc
      ? [{ dir: adapter.configDropIn.dir, files: [{ name: USER_CONFIG_NAME, content: sc.cfg.text, mode: 0o644 }] }, ...(sc.files ?? [])]
      : [];
    // Registered before it exists: a run interrupted while `docker create` is under way still removes it.
    run.onTeardown(`remove container ${container}`, async () => {
      await docker(['rm', '-f', '-v', container]);
    });
    // Created, given its files from memory, then started: nothing of it is a file on the host.
    await docker([
      'create',
      '--name',
      container,
      '--hostname',
      this.spec.name,
      '--network',
      network.name,
      '--network-alias',
      this.spec.name,
      ...(this.spec.ip ? ['--ip', this.spec.ip] : []),
      ...(this.spec.server.galera ? ['-e', 'FIREDRILL_GALERA=1'] : []),
      // a datadir of its own (a restore) is never seeded from the image's template, also when it lacks the mysql/
      // folder the entrypoint looks for (a MySQL clone keeps it empty, and an object store holds no empty folder)
      ...(this.spec.datadirVolume ? ['-e', 'FIREDRILL_EMPTY_DATADIR=1'] : []),
      ...run.labelArgs(),
      ...publishArgs(await currentEngine(), [SQL_PORT]),
      '--label',
      `${LABEL_NODE}=${this.spec.name}`,
      '-v',
      `${volume}:/var/lib/mysql`,
      ...mounts.args,
      image,
      ...command,
      ...(pinned?.flags ?? []),
    ]);
    const node = new StartedNode(this.ctx, this.spec, container, volume);
    keepNodeLogs(run, node.logSource());
    await mounts.fill();
    await putAllFiles(container, [...userConfig, ...(this.spec.files ?? [])]);
    await docker(['start', container]);
    await node.waitReady();
    if (!this.spec.skipBootstrap) await node.clientSql(this.ctx.adapter.dialect.bootstrapUsers(this.ctx.creds));
    await node.container.refreshAddress();
    if (sc) sc.applied[this.spec.name] = await appliedOptions(node, sc.cfg);
    return node;
  }
}

/**
 * A running (or killed, restartable) server: its container (processes, files, network) and a SQL session with it,
 * kept apart. Lifecycle operations go through the node, which drops the session whenever the server goes away;
 * each returns the state it left.
 */
export class StartedNode implements AsyncDisposable {
  readonly container: NodeContainer;
  private readonly session: ServerSession;
  /** How long this node may take to answer after a start: measured rule, scaled with what it must recover. */
  readonly readyTimeoutMs: number;

  constructor(
    private readonly ctx: TopologyContext,
    readonly spec: NodeSpec,
    containerName: string,
    readonly volume: string,
  ) {
    this.container = new NodeContainer(containerName, volume, ctx.network.name);
    this.session = new ServerSession(spec.name, () => this.container.sqlEndpoint, ctx.creds, ctx.run.queryTimeoutMs);
    const options = ctx.serverConfig?.cfg.options.filter((o) => o.group !== 'client');
    this.readyTimeoutMs = readyTimeoutMs(
      { redoBytes: Math.max(spec.recovery?.redoBytes ?? 0, redoCapacity(options)), datadirBytes: spec.recovery?.datadirBytes },
      loadConfig().readyTimeout,
    );
  }

  /** Where this node's logs are read from when they are saved for the report (runtime/node-logs.ts). */
  logSource(): NodeLogSource {
    return {
      node: this.name,
      container: this.container.name,
      ...(this.spec.server.supervised ? { errorLogFile: this.adapter.supervisedLog } : {}),
      ...(this.spec.server.galera ? { sstLogFiles: GALERA_SST_LOGS } : {}),
      slowLogFile: async () => {
        if (!(await this.container.state()).running) return undefined;
        const rows = await this.query<{ Variable_name: string; Value: string }>(inspect.globalVariables(), { timeoutMs: 10_000 });
        const v = (n: string) => String(rows.find((r) => r.Variable_name.toLowerCase() === n)?.Value ?? '');
        if (!/^(on|1)$/i.test(v('slow_query_log'))) return undefined;
        const f = v('slow_query_log_file');
        return f.startsWith('/') ? f : `${v('datadir').replace(/\/$/, '')}/${f}`;
      },
    };
  }

  get name(): string {
    return this.spec.name;
  }
  get adapter(): FlavorAdapter {
    return this.ctx.adapter;
  }
  /** The node's address on the topology's network: where other nodes reach it (port 3306). */
  get address(): string {
    return this.container.address;
  }
  /** Where the harness reaches the node's SQL port (a published port on an engine whose bridges are not routed here). */
  get sqlEndpoint(): Reached {
    return this.container.sqlEndpoint;
  }
  get serverId(): number {
    return this.spec.server.serverId;
  }
  get context(): TopologyContext {
    return this.ctx;
  }

  /** Waits until the server answers on its socket; fails at once, with the log tail, if the container exits. */
  async waitReady(timeoutMs = this.readyTimeoutMs): Promise<void> {
    await waitUntil(
      async () => {
        const s = await this.container.state();
        if (!s.running) throw new ServerExitedError(this.name, s.exitCode, await this.container.logsTail(15));
        await this.container.exec(this.adapter.ping, { timeoutMs: 10_000 });
        return true;
      },
      (ok) => ok,
      {
        what: `${this.name} to answer ping`,
        timeoutMs,
        intervalMs: 150,
        abortOn: (e) => e instanceof ServerExitedError,
      },
    );
  }

  /** A new dedicated connection as firedrill's admin user (a short connect timeout for probes). The caller closes it. */
  connect(opts?: { connectTimeoutMs?: number }): Promise<Connection> {
    return this.session.connect(opts);
  }

  /** Another session on a connection of its own (e.g. to compare several tables at once); the caller closes it. */
  async another(): Promise<{ name: string; query<T = Record<string, unknown>>(stmt: Statement): Promise<T[]>; close(): Promise<void> }> {
    const c = await this.session.connect();
    return { name: this.name, query: <T>(s: Statement) => c.query<T>(s), close: () => c.close() };
  }

  /** Runs one statement on the node's shared connection, reconnecting if the last one was lost; with a deadline (session). */
  query<T = Record<string, unknown>>(stmt: Statement, opts?: { timeoutMs?: number }): Promise<T[]> {
    return this.session.query<T>(stmt, opts);
  }

  /** Forgets the shared connection (queries in flight fail at once): the server is about to go away, or went. */
  dropConnection(): void {
    this.session.drop();
  }

  /** Feeds statements to the in-container client over stdin (used before firedrill's network user exists). */
  async clientSql(statements: readonly Statement[]): Promise<RunResult> {
    const text = statements.map((s) => `${format(s.sql, (s.values ?? []) as never[])};\n`).join('');
    return this.container.exec(this.adapter.client, { input: text, timeoutMs: 60_000 });
  }

  /** Loads a SQL file through the in-container client (handles DELIMITER, as the client does). */
  async loadSqlFile(path: string, database?: string): Promise<RunResult> {
    return this.container.exec([...this.adapter.client, ...(database ? [database] : [])], { inputFile: path, timeoutMs: 30 * 60_000 });
  }

  /**
   * Runs one statement through the in-container client over the local socket: works while the node is cut off
   * from the network. Rows come back as objects of strings (NULL as null).
   */
  async localQuery(stmt: Statement): Promise<Array<Record<string, string | null>>> {
    const text = format(stmt.sql, (stmt.values ?? []) as never[]);
    const r = await this.container.exec(this.adapter.client, { input: `${text};\n`, timeoutMs: 30_000 });
    const lines = r.stdout.split('\n').filter((l) => l.length > 0);
    const unescapeField = (v: string) =>
      v === 'NULL' ? null : v.replace(/\\(.)/g, (_, c: string) => (({ n: '\n', t: '\t', '0': '\0' }) as Record<string, string>)[c] ?? c);
    const header = (lines.shift() ?? '').split('\t');
    return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [header[i] ?? String(i), unescapeField(v)])));
  }

  /**
   * Sends a signal to the server process (PID 1): SIGKILL is a crash with no chance to flush anything. After SIGKILL
   * it returns once the container has stopped (with PID 1 every process of the container, docker exec'd tools
   * included, is gone), and only then fails the queries in flight: whoever handles their failure (removing a
   * half-written backup) finds no writer left.
   */
  async kill(signal = 'KILL'): Promise<ContainerState> {
    const state = await this.container.kill(signal);
    this.session.drop();
    return state;
  }

  /** Starts the container again after a kill or stop, waits until ready (by default 120 s), re-reads its address. */
  async restart(readyTimeoutMs?: number): Promise<ContainerState> {
    this.session.drop();
    await this.container.start();
    await this.waitReady(readyTimeoutMs);
    await this.container.refreshAddress();
    return this.container.state();
  }

  async stop(timeoutS = 60): Promise<ContainerState> {
    this.session.drop();
    return this.container.stop(timeoutS);
  }

  /** Removes the container; the datadir volume stays. */
  async remove(): Promise<RemovedState> {
    await saveNodeLogs(this.ctx.run, this.logSource());
    this.session.drop();
    return this.container.remove();
  }

  /**
   * Removes the container and its datadir volume: the node and its data are gone for good. Through
   * `Topology.destroy`, the topology forgets it in the same call.
   */
  async destroy(): Promise<RemovedState> {
    await saveNodeLogs(this.ctx.run, this.logSource());
    this.session.drop();
    return this.container.destroy();
  }

  /** Cuts the node off the topology's network (no route in or out, no RST: peers find out by timeout). */
  async disconnectNetwork(): Promise<void> {
    this.session.drop();
    await this.container.disconnect();
  }

  /** Puts the node back on the network under its name, and re-reads its address. */
  async connectNetwork(): Promise<void> {
    await this.container.connect(this.name, this.spec.ip);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.remove();
  }
}

export class ServerExitedError extends Error {
  constructor(node: string, exitCode: number, logTail: string) {
    super(`${node}: server exited (code ${exitCode}); last log lines:\n${logTail}`);
    this.name = 'ServerExitedError';
  }
}

/**
 * The values a started server runs with for the user's options that are variables (the rest, e.g. removed ones, are
 * not); a secret's value (wsrep_sst_auth...) is never reported.
 */
async function appliedOptions(node: StartedNode, cfg: ServerConfig): Promise<Record<string, string>> {
  const wanted = new Set(cfg.options.map((o) => o.name.replace(/-/g, '_')));
  const out: Record<string, string> = {};
  for (const r of await node.query<{ Variable_name: string; Value: string }>(inspect.globalVariables()))
    if (wanted.has(r.Variable_name.toLowerCase()))
      out[r.Variable_name.toLowerCase()] = isSecretOption(r.Variable_name) ? '<secret: not reported>' : String(r.Value);
  return out;
}
