import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../core/index.js';
import { docker, inspect } from './docker.js';

/**
 * How the harness reaches a port of a container: `bridge`, at the container's address on its network (only when the
 * engine is the local dockerd, whose bridges the harness's host routes); `published`, at a port the engine publishes
 * on its own host (`-p`), read back with `docker port` after every start (a restart gets a new port).
 */
type Reach = 'bridge' | 'published';

/** The container engine the docker CLI talks to, as the harness must treat it. */
export interface Engine {
  /** Where the CLI connects: DOCKER_HOST, a context's endpoint, or the default socket. */
  endpoint: string;
  transport: 'unix' | 'tcp' | 'ssh' | 'npipe';
  /** The docker context it came from, when one did. */
  context?: string;
  /** TLS on the engine's API; `verify`: the engine's certificate is checked against ca.pem of `certPath`. */
  tls?: { verify: boolean; certPath: string };
  reach: Reach;
  /** The host name or address where the engine's published ports answer. */
  publishHost: string;
  /** The engine's file system is not the harness's: a bind mount of a harness path would mount the engine host's. */
  remote: boolean;
  /** Why `reach` and `remote` are what they are (one line, for doctor and the report). */
  why: string;
}

/** The endpoint of a docker context (`docker context inspect`): host and TLS material, if any. */
export interface ContextEndpoint {
  name: string;
  host: string;
  skipTlsVerify?: boolean;
  tlsPath?: string;
}

const DEFAULT_SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock']);
const LOOPBACK = /^(localhost|127(?:\.\d+){3}|::1|\[::1\])$/;

/**
 * Describes the engine from the environment (pure: the context's endpoint, when one is in use, is looked up by the
 * caller). Precedence as the docker CLI's: DOCKER_HOST, then the context (DOCKER_CONTEXT or the config's current
 * one), then the local socket. `FIREDRILL_ENGINE_REACH=bridge|published` overrides how nodes are reached.
 */
export function describeEngine(env: NodeJS.ProcessEnv, ctx?: ContextEndpoint): Engine {
  const fromEnv = env['DOCKER_HOST']?.trim();
  const endpoint = fromEnv || ctx?.host || 'unix:///var/run/docker.sock';
  const context = fromEnv ? undefined : ctx?.name;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(
      `${fromEnv ? 'DOCKER_HOST' : `docker context ${ctx?.name}`} '${endpoint}' is not an engine address (unix://, tcp://, ssh://)`,
    );
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!['unix', 'tcp', 'ssh', 'npipe', 'http', 'https'].includes(scheme))
    throw new UsageError(`engine address '${endpoint}': unknown scheme ${scheme}:// (unix://, tcp://, ssh://)`);
  const transport = scheme === 'http' || scheme === 'https' ? 'tcp' : (scheme as Engine['transport']);
  const tls = tlsOf(env, transport, ctx, fromEnv !== undefined && fromEnv !== '');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let reach: Reach;
  let remote: boolean;
  let publishHost: string;
  let why: string;
  if (transport === 'unix' && DEFAULT_SOCKETS.has(url.pathname)) {
    [reach, remote, publishHost, why] = ['bridge', false, '127.0.0.1', 'the local dockerd: its bridge addresses are routed here'];
  } else if (transport === 'unix' || transport === 'npipe') {
    // A rootless dockerd or Podman socket (/run/user/<uid>/…), Docker Desktop's socket: the engine shares this
    // machine's files but its networks live in a user namespace or a VM, not routed here.
    [reach, remote, publishHost, why] = [
      'published',
      false,
      '127.0.0.1',
      `a local socket (${url.pathname}) of an engine whose bridges are not routed here`,
    ];
  } else {
    [reach, remote, publishHost, why] = ['published', true, host, `a remote engine over ${transport} at ${host}`];
  }
  const forced = env['FIREDRILL_ENGINE_REACH']?.trim();
  if (forced) {
    if (forced !== 'bridge' && forced !== 'published')
      throw new UsageError(`FIREDRILL_ENGINE_REACH '${forced}' is not one of: bridge, published`);
    if (forced !== reach) why += `; reach forced to ${forced} by FIREDRILL_ENGINE_REACH`;
    reach = forced;
  }
  return { endpoint, transport, ...(context ? { context } : {}), ...(tls ? { tls } : {}), reach, publishHost, remote, why };
}

function tlsOf(env: NodeJS.ProcessEnv, transport: Engine['transport'], ctx: ContextEndpoint | undefined, fromEnv: boolean): Engine['tls'] {
  if (transport !== 'tcp') return undefined;
  if (!fromEnv && ctx) {
    if (!ctx.tlsPath) return undefined;
    return { verify: !ctx.skipTlsVerify, certPath: ctx.tlsPath };
  }
  const verify = (env['DOCKER_TLS_VERIFY'] ?? '') !== '';
  if (!verify && !env['DOCKER_TLS'] && !env['DOCKER_CERT_PATH']) return undefined;
  const certPath = env['DOCKER_CERT_PATH'] || join(env['DOCKER_CONFIG'] || join(homedir(), '.docker'));
  const needed = verify ? ['ca.pem', 'cert.pem', 'key.pem'] : ['cert.pem', 'key.pem'];
  const missing = needed.filter((f) => !existsSync(join(certPath, f)));
  if (missing.length)
    throw new UsageError(
      `DOCKER_CERT_PATH ${certPath} lacks ${missing.join(', ')} (the engine's TLS ${verify ? 'CA and client certificate' : 'client certificate'})`,
    );
  return { verify, certPath };
}

/** The context in use when DOCKER_HOST is not set: DOCKER_CONTEXT, else the CLI config's current one (not `default`). */
export function contextName(env: NodeJS.ProcessEnv): string | undefined {
  if (env['DOCKER_HOST']?.trim()) return undefined;
  const named = env['DOCKER_CONTEXT']?.trim();
  if (named) return named === 'default' ? undefined : named;
  try {
    const cfg = JSON.parse(readFileSync(join(env['DOCKER_CONFIG'] || join(homedir(), '.docker'), 'config.json'), 'utf8')) as {
      currentContext?: string;
    };
    return cfg.currentContext && cfg.currentContext !== 'default' ? cfg.currentContext : undefined;
  } catch {
    return undefined;
  }
}

let current: Promise<Engine> | undefined;

/** The engine of this process (looked up once: a context costs one `docker context inspect`). */
export function currentEngine(): Promise<Engine> {
  current ??= (async () => {
    const name = contextName(process.env);
    if (!name) return describeEngine(process.env);
    const r = await docker(['context', 'inspect', name]);
    const [c] = JSON.parse(r.stdout) as Array<{
      Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
      Storage?: { TLSPath?: string };
    }>;
    const host = c?.Endpoints?.docker?.Host;
    if (!host) throw new UsageError(`docker context ${name} names no docker endpoint`);
    const tlsPath = c?.Storage?.TLSPath;
    const tlsDir = tlsPath && existsSync(join(tlsPath, 'docker')) ? join(tlsPath, 'docker') : undefined;
    return describeEngine(process.env, {
      name,
      host,
      skipTlsVerify: !!c?.Endpoints?.docker?.SkipTLSVerify,
      ...(tlsDir ? { tlsPath: tlsDir } : {}),
    });
  })();
  return current;
}

/** Where the harness connects to reach a container's port. */
export interface Reached {
  host: string;
  port: number;
}

/** `docker create` options that publish a container's ports on the engine host, when nodes are reached that way. */
export function publishArgs(engine: Engine, ports: readonly number[]): string[] {
  if (engine.reach === 'bridge') return [];
  const bind = LOOPBACK.test(engine.publishHost) ? '127.0.0.1::' : '';
  return ports.flatMap((p) => ['-p', `${bind}${p}`]);
}

/**
 * Reads where a published port answers from `docker port` output (`0.0.0.0:49153`, `[::]:49153`, one per line):
 * the first IPv4 binding, at the engine's host when it listens on every address.
 */
export function parsePublished(engine: Engine, output: string): Reached | undefined {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.find((l) => /^\d+\.\d+\.\d+\.\d+:\d+$/.test(l)) ?? lines[0];
  const m = line?.match(/^(.*):(\d+)$/);
  if (!m) return undefined;
  const addr = m[1]!.replace(/^\[|\]$/g, '');
  const host = addr === '0.0.0.0' || addr === '::' || addr === '127.0.0.1' ? engine.publishHost : addr;
  return { host, port: Number(m[2]) };
}

/**
 * Where the harness reaches `port` of a running container: its address on `network` (bridge reach), or the port the
 * engine published for it (read anew: call again after every start). Fails naming the container and what it saw.
 */
export async function reachContainer(container: string, network: string | undefined, port: number): Promise<Reached> {
  const engine = await currentEngine();
  if (engine.reach === 'bridge') {
    const info = await inspect<{ NetworkSettings: { IPAddress?: string; Networks: Record<string, { IPAddress: string }> } }>(
      'container',
      container,
    );
    const ip = network ? info.NetworkSettings.Networks[network]?.IPAddress : info.NetworkSettings.IPAddress;
    if (!ip) throw new Error(`${container}: no address on network ${network ?? 'bridge'}`);
    return { host: ip, port };
  }
  const r = await docker(['port', container, `${port}/tcp`]);
  const reached = parsePublished(engine, r.stdout);
  if (!reached)
    throw new Error(`${container}: port ${port}/tcp is not published by the engine (docker port said ${JSON.stringify(r.stdout.trim())})`);
  return reached;
}
