import { basename, dirname } from 'node:path';
import { DEFAULT_TIMEOUT_MS, waitUntil, type RunOptions, type RunResult } from '../exec/index.js';
import { docker, inContainerDeadline, inspect, putFiles } from './docker.js';
import { currentEngine, reachContainer, type Reached } from './engine.js';

/** The port a node's server listens on inside its container. */
export const SQL_PORT = 3306;

/** What docker says of a container: running or not, its status, how often it was restarted, its last exit code. */
export interface ContainerState {
  running: boolean;
  status: string;
  restartCount: number;
  exitCode: number;
}

/** What removing a node's container left: with `destroy`, its datadir volume is gone too. */
export interface RemovedState {
  container: string;
  removed: true;
  volume: string;
  volumeRemoved: boolean;
}

/**
 * A node's container as docker sees it: processes, files, network membership. It knows nothing of SQL; the node
 * (runtime/node.ts) pairs it with a server session.
 */
export class NodeContainer {
  private ip = '';
  private reached: Reached | undefined;

  constructor(
    readonly name: string,
    readonly volume: string,
    private readonly network: string,
  ) {}

  /** The container's address on the run's network, where other nodes reach it (read by refreshAddress). */
  get address(): string {
    return this.ip;
  }

  /**
   * Where the harness reaches the server's SQL port (read by refreshAddress): the network address on the local
   * engine, the engine's published port elsewhere (runtime/engine.ts).
   */
  get sqlEndpoint(): Reached {
    return this.reached ?? { host: this.ip, port: SQL_PORT };
  }

  /** Re-reads both addresses: after every start (a published port changes on restart) and network change. */
  async refreshAddress(): Promise<string> {
    const info = await inspect<{ NetworkSettings: { Networks: Record<string, { IPAddress: string }> } }>('container', this.name);
    this.ip = info.NetworkSettings.Networks[this.network]?.IPAddress ?? '';
    if (!this.ip) throw new Error(`${this.name}: no address on network ${this.network}`);
    this.reached = (await currentEngine()).reach === 'bridge' ? undefined : await reachContainer(this.name, this.network, SQL_PORT);
    return this.ip;
  }

  async state(): Promise<ContainerState> {
    const i = await inspect<{ State: { Running: boolean; Status: string; ExitCode: number }; RestartCount: number }>(
      'container',
      this.name,
    );
    return { running: i.State.Running, status: i.State.Status, restartCount: i.RestartCount, exitCode: i.State.ExitCode };
  }

  /** The last `lines` lines of the server's log; with `sinceMs`, only what was written from that time on. */
  async logsTail(lines = 30, sinceMs?: number): Promise<string> {
    const since = sinceMs === undefined ? [] : ['--since', new Date(sinceMs).toISOString()];
    const r = await docker(['logs', '--tail', String(lines), ...since, this.name]).catch(() => undefined);
    return r ? (r.stdout + r.stderr).trim() : '';
  }

  /**
   * Runs a program inside the container (argv, no shell). Its deadline holds inside the container too (coreutils
   * `timeout` kills the program): a timed-out or killed docker client never leaves the tool running in there.
   */
  exec(argv: readonly string[], opts: RunOptions & { user?: string } = {}): Promise<RunResult> {
    const stdin = opts.input !== undefined || opts.inputFile !== undefined;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return docker(
      ['exec', ...(stdin ? ['-i'] : []), ...(opts.user ? ['-u', opts.user] : []), this.name, ...inContainerDeadline(timeoutMs), ...argv],
      { ...opts, timeoutMs: timeoutMs + 10_000 },
    );
  }

  /** Writes a file into the container (a tar stream on docker cp's stdin: nothing is written on the host). */
  async putFile(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
    await putFiles(this.name, dirname(path), [{ name: basename(path), content, mode }]);
  }

  /** Copies a file out of the container to a host path (docker cp: reads only, works on a stopped container). */
  async copyOut(path: string, hostPath: string): Promise<void> {
    await docker(['cp', `${this.name}:${path}`, hostPath]);
  }

  /**
   * Sends a signal to PID 1; returns the state it left. After SIGKILL it waits until the container has stopped
   * (exited, code 137): every process in it, exec'd tools included, is gone when it returns.
   */
  async kill(signal: string): Promise<ContainerState> {
    await docker(['kill', '--signal', signal, this.name]);
    if (signal === 'KILL' || signal === 'SIGKILL') return this.waitStopped();
    return this.state();
  }

  /** Waits until the container is no longer running (every process in it has exited). */
  waitStopped(timeoutMs = 60_000): Promise<ContainerState> {
    return waitUntil(
      () => this.state(),
      (s) => !s.running,
      { what: `${this.name} to stop`, timeoutMs, intervalMs: 50 },
    );
  }

  async start(): Promise<void> {
    await docker(['start', this.name]);
  }

  /** Stops the server cleanly (SIGTERM, then SIGKILL after `timeoutS`); returns the state it left. */
  async stop(timeoutS: number): Promise<ContainerState> {
    await docker(['stop', '-t', String(timeoutS), this.name], { timeoutMs: (timeoutS + 30) * 1000 });
    return this.state();
  }

  /** Removes the container; its datadir volume stays (e.g. the result of a restore). */
  async remove(): Promise<RemovedState> {
    await docker(['rm', '-f', '-v', this.name]);
    return { container: this.name, removed: true, volume: this.volume, volumeRemoved: false };
  }

  /** Removes the container and its datadir volume: the node and its data are gone for good. */
  async destroy(): Promise<RemovedState> {
    await this.remove();
    await docker(['volume', 'rm', '-f', this.volume]);
    return { container: this.name, removed: true, volume: this.volume, volumeRemoved: true };
  }

  /** Freezes every process of the container (cgroup freezer). */
  async pause(): Promise<void> {
    await docker(['pause', this.name]);
  }
  async unpause(): Promise<void> {
    await docker(['unpause', this.name]);
  }

  /** Takes the container off the network (no route in or out, no RST: peers find out by timeout). */
  async disconnect(): Promise<void> {
    await docker(['network', 'disconnect', '--force', this.network, this.name]);
  }

  /** Puts the container back on the network under `alias` (at its static address if it has one). */
  async connect(alias: string, ip?: string): Promise<void> {
    await docker(['network', 'connect', '--alias', alias, ...(ip ? ['--ip', ip] : []), this.network, this.name]);
    await this.refreshAddress();
  }
}
