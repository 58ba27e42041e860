import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { docker } from './docker.js';
import type { RunContext } from './run-context.js';

/**
 * Evidence for a failed night: each node's server logs are saved under `<run.nodeLogsDir>/<node>/` before its
 * container goes (at teardown, also after a failed or interrupted drill, or when a drill removes the node), so a
 * report holds more than the few lines an error message quotes:
 * - `error.log`: what the server wrote to the container's output (`docker logs`: its error log), and a supervised
 *   server's own error-log file after it;
 * - `slow.log`: the slow query log, when the server runs with it on;
 * - `sst.log`: a Galera node's state-transfer logs the SST script leaves in its datadir (mariabackup's backup log on a
 *   donor, its prepare and move logs on a joiner), when there are any: a failed SST names its cause only there.
 * A later container under the same node name (an upgraded or restarted node) gets `error-2.log`, `slow-2.log`...
 * Best effort with a deadline: a log that cannot be read in time is named in `missing.txt`; it never fails the run.
 */

/** Deadline of each docker call that reads a log (a stuck engine must not hold teardown up). */
const LOG_CALL_TIMEOUT_MS = 20_000;
/** At most this many lines of the container's output (a crash loop's restarts stay readable). */
const TAIL_LINES = 200_000;

export interface NodeLogSource {
  /** The node's name (the folder under nodes/). */
  node: string;
  container: string;
  /** A supervised server's own error-log file inside the container (mysqld_safe --log-error). */
  errorLogFile?: string;
  /** The slow log's path inside the container when the server runs with it on (asked only while it runs). */
  slowLogFile?: () => Promise<string | undefined>;
  /** Files the node may have left (a Galera SST's logs): saved when present, their absence is not noted. */
  sstLogFiles?: readonly string[];
}

interface Saved {
  generation: number;
  done?: Promise<void>;
}
const byRun = new WeakMap<RunContext, { generations: Map<string, number>; containers: Map<string, Saved> }>();

function stateOf(run: RunContext) {
  let s = byRun.get(run);
  if (!s) {
    s = { generations: new Map(), containers: new Map() };
    byRun.set(run, s);
  }
  return s;
}

/**
 * Registers a node's container whose logs are saved before it goes: call it right after the container's removal was
 * registered (teardown runs newest first, so the logs are read before the container is removed). Nothing when the
 * run keeps no node logs (no report folder).
 */
export function keepNodeLogs(run: RunContext, src: NodeLogSource): void {
  if (!run.nodeLogsDir) return;
  const s = stateOf(run);
  const generation = (s.generations.get(src.node) ?? 0) + 1;
  s.generations.set(src.node, generation);
  s.containers.set(src.container, { generation });
  run.onTeardown(`save the logs of ${src.node}`, () => saveNodeLogs(run, src));
}

/** Saves the logs of a registered container once (later calls wait for the first); never throws. */
export function saveNodeLogs(run: RunContext, src: NodeLogSource): Promise<void> {
  const saved = byRun.get(run)?.containers.get(src.container);
  if (!saved || !run.nodeLogsDir) return Promise.resolve();
  saved.done ??= writeNodeLogs(join(run.nodeLogsDir, src.node), saved.generation, src).catch(() => undefined);
  return saved.done;
}

async function writeNodeLogs(dir: string, generation: number, src: NodeLogSource): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const suffix = generation === 1 ? '' : `-${generation}`;
  const missing: string[] = [];
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      missing.push(`${what}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      return undefined;
    }
  };
  const parts: string[] = [];
  const out = await attempt('docker logs', () =>
    docker(['logs', '--tail', String(TAIL_LINES), src.container], { timeoutMs: LOG_CALL_TIMEOUT_MS }),
  );
  if (out) parts.push(out.stdout + out.stderr);
  if (src.errorLogFile) {
    const f = src.errorLogFile;
    const text = await attempt(f, () => readContainerFile(src.container, f));
    if (text !== undefined) parts.push(`---- ${f} ----\n${text}`);
  }
  if (parts.length) await writeFile(join(dir, `error${suffix}.log`), parts.join('\n'), { mode: 0o600 });
  const slow = src.slowLogFile ? await attempt('the slow log', src.slowLogFile) : undefined;
  if (slow) {
    const text = await attempt(slow, () => readContainerFile(src.container, slow));
    if (text !== undefined) await writeFile(join(dir, `slow${suffix}.log`), text, { mode: 0o600 });
  }
  const sst: string[] = [];
  for (const f of src.sstLogFiles ?? []) {
    const text = await readContainerFile(src.container, f).catch(() => undefined);
    if (text !== undefined) sst.push(`---- ${f} ----\n${text}`);
  }
  if (sst.length) await writeFile(join(dir, `sst${suffix}.log`), sst.join('\n'), { mode: 0o600 });
  if (missing.length) await writeFile(join(dir, `missing${suffix}.txt`), `${missing.join('\n')}\n`, { mode: 0o600 });
}

/** A file of a container (running or stopped), read through `docker cp <c>:<path> -` (a tar of one file on stdout). */
async function readContainerFile(container: string, path: string): Promise<string> {
  // the archive's headers are ASCII and a log is text: its UTF-8 decoding keeps every size field true
  const r = await docker(['cp', `${container}:${path}`, '-'], { timeoutMs: LOG_CALL_TIMEOUT_MS });
  return firstFileOfTar(Buffer.from(r.stdout, 'utf8')).toString('utf8');
}

/** The body of the first regular file of a ustar archive. */
export function firstFileOfTar(tar: Buffer): Buffer {
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const size = Number.parseInt(h.subarray(124, 136).toString('latin1').replace(/\0.*$/, '').trim() || '0', 8);
    const type = String.fromCharCode(h[156] ?? 48);
    if (type === '0' || type === '\0') return tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error('no file in the archive');
}
