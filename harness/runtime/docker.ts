import { run, ExecError, DEFAULT_TIMEOUT_MS, type RunOptions, type RunResult } from '../exec/index.js';
import { basename, dirname } from 'node:path';
import { UsageError } from '../core/index.js';

/**
 * Deadlines of docker CLI calls that name none: control calls (inspect, ls, rm, kill, network, volume, ...) answer in
 * seconds on a healthy engine, so a minute means the engine is stuck; commands that run a program (exec, run
 * without -d, cp, wait, stop) get the backstop of every command.
 */
export const DOCKER_CONTROL_TIMEOUT_MS = 90_000;
const LONG_SUBCOMMANDS = new Set(['exec', 'cp', 'wait', 'stop', 'build', 'import', 'image', 'logs', 'pull', 'commit', 'save', 'load']);
export function dockerDeadline(args: readonly string[]): number {
  const sub = args[0] ?? '';
  if (sub === 'run') return args.includes('-d') ? DOCKER_CONTROL_TIMEOUT_MS : DEFAULT_TIMEOUT_MS;
  return LONG_SUBCOMMANDS.has(sub) ? DEFAULT_TIMEOUT_MS : DOCKER_CONTROL_TIMEOUT_MS;
}

/** Runs the docker CLI with argv (never a shell string), always with a deadline. */
export function docker(args: readonly string[], opts?: RunOptions): Promise<RunResult> {
  return run(['docker', ...args], { ...opts, timeoutMs: opts?.timeoutMs ?? dockerDeadline(args) });
}

/** Raised when no Docker engine answers: a "could not run" condition (exit 2). */
export class NoEngineError extends UsageError {
  constructor(detail: string) {
    super(`no Docker engine answers (${detail}); run 'npm run setup' (as root it installs docker.io and starts dockerd)`);
    this.name = 'NoEngineError';
  }
}

export async function engineVersion(): Promise<string> {
  try {
    const r = await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 });
    return r.stdout.trim();
  } catch (e) {
    const detail = e instanceof ExecError ? (e.stderrTail.trim().split('\n').pop() ?? 'docker failed') : String(e);
    throw new NoEngineError(detail);
  }
}

export async function imageExists(ref: string): Promise<boolean> {
  try {
    await docker(['image', 'inspect', '--format', '{{.Id}}', ref]);
    return true;
  } catch (e) {
    if (e instanceof ExecError && e.exitCode === 1) return false;
    throw e;
  }
}

export async function inspect<T = unknown>(kind: 'container' | 'network' | 'volume', name: string): Promise<T> {
  const r = await docker([kind, 'inspect', name]);
  const arr = JSON.parse(r.stdout) as T[];
  if (!arr[0]) throw new Error(`docker ${kind} inspect ${name}: nothing returned`);
  return arr[0];
}

/** Lists names of objects of a kind carrying a label filter (e.g. 'firedrill.run=abc'). */
export async function listByLabel(kind: 'container' | 'network' | 'volume', label: string): Promise<string[]> {
  const args =
    kind === 'container'
      ? ['ps', '-a', '--filter', `label=${label}`, '--format', '{{.Names}}']
      : [kind, 'ls', '--filter', `label=${label}`, '--format', '{{.Name}}'];
  const r = await docker(args);
  return r.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `timeout` argv that enforces a deadline inside a container (coreutils; SIGKILL 5 s after SIGTERM). */
export function inContainerDeadline(timeoutMs: number): string[] {
  return ['timeout', '--kill-after=5', `${Math.max(1, Math.ceil(timeoutMs / 1000))}s`];
}

/** One entry of an in-memory archive: a regular file, or (`dir`) a folder; `name` is relative, `/`-separated. */
export interface TarEntry {
  name: string;
  content?: string | Buffer;
  mode?: number;
  dir?: boolean;
}

/** A ustar archive of regular files and folders, in memory (what `docker cp -` reads on stdin). */
export function tarOf(files: ReadonlyArray<TarEntry>): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const parts = f.name.split('/');
    if (f.name.length > 100 || parts.some((p) => !/^[^/\0]+$/.test(p) || p === '.' || p === '..'))
      throw new Error(`tarOf: bad file name ${JSON.stringify(f.name)}`);
    const body = f.dir ? Buffer.alloc(0) : Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content ?? '');
    const h = Buffer.alloc(512);
    const put = (s: string, off: number, len: number) => h.write(s, off, len, 'utf8');
    const oct = (n: number, len: number): string => n.toString(8).padStart(len - 1, '0') + '\0';
    put(f.dir ? `${f.name}/` : f.name, 0, 100);
    put(oct(f.mode ?? (f.dir ? 0o755 : 0o644), 8), 100, 8);
    put(oct(0, 8), 108, 8);
    put(oct(0, 8), 116, 8);
    put(oct(body.length, 12), 124, 12);
    put(oct(Math.floor(Date.now() / 1000), 12), 136, 12);
    put('        ', 148, 8);
    put(f.dir ? '5' : '0', 156, 1);
    put('ustar\0', 257, 6);
    put('00', 263, 2);
    let sum = 0;
    for (const b of h) sum += b;
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A file a container gets from memory before it starts (see putFiles). */
export interface ContainerFile {
  name: string;
  content: string | Buffer;
  mode?: number;
}
/** Files for one folder of a container; `newFolderMode`: the folder does not exist in the image and is made so. */
export interface ContainerFiles {
  dir: string;
  files: readonly ContainerFile[];
  newFolderMode?: number;
}

/**
 * Writes files into a container's folder through `docker cp -` (a tar on stdin): secrets never touch the host's disk.
 * Works on a created container that has not started yet (the server reads them at its first start). With
 * `newFolderMode`, the folder itself is made (it must not exist in the image: an existing folder would take that mode).
 */
export async function putFiles(container: string, dir: string, files: readonly ContainerFile[], newFolderMode?: number): Promise<void> {
  if (newFolderMode === undefined) {
    await docker(['cp', '-', `${container}:${dir}`], { input: tarOf(files) });
    return;
  }
  const folder = basename(dir);
  const entries: TarEntry[] = [
    { name: folder, dir: true, mode: newFolderMode },
    ...files.map((f) => ({ ...f, name: `${folder}/${f.name}` })),
  ];
  await docker(['cp', '-', `${container}:${dirname(dir)}`], { input: tarOf(entries) });
}

/** Puts every folder's files into a created container (see putFiles). */
export async function putAllFiles(container: string, all: readonly ContainerFiles[] | undefined): Promise<void> {
  for (const f of all ?? []) await putFiles(container, f.dir, f.files, f.newFolderMode);
}
