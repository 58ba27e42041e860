import { run, ExecError, type RunOptions, type RunResult } from '../exec/index.js';
import { UsageError } from '../core/index.js';

/** Runs the docker CLI with argv (never a shell string). */
export function docker(args: readonly string[], opts?: RunOptions): Promise<RunResult> {
  return run(['docker', ...args], opts);
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
  const args = kind === 'container'
    ? ['ps', '-a', '--filter', `label=${label}`, '--format', '{{.Names}}']
    : [kind, 'ls', '--filter', `label=${label}`, '--format', '{{.Name}}'];
  const r = await docker(args);
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}
