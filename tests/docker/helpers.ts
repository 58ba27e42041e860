import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { docker } from '../../harness/runtime/index.js';

const root = resolve(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs the firedrill CLI as a user would (a child process), optionally reacting to its stderr. */
export function cli(
  args: string[],
  opts: { env?: Record<string, string>; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {},
): Promise<CliResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [resolve(root, 'bin/firedrill.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      opts.onStderr?.(stderr, child);
    });
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
}

/** Names of every container, volume and network labelled with a run id. */
export async function leftovers(runId: string): Promise<string[]> {
  const label = `label=firedrill.run=${runId}`;
  const c = await docker(['ps', '-a', '--filter', label, '--format', '{{.Names}}']);
  const v = await docker(['volume', 'ls', '--filter', label, '--format', '{{.Name}}']);
  const n = await docker(['network', 'ls', '--filter', label, '--format', '{{.Name}}']);
  return [c.stdout, v.stdout, n.stdout]
    .flatMap((s) => s.split('\n'))
    .map((s) => s.trim())
    .filter(Boolean);
}

export const quiet = () => {};

/** Volumes no container uses. Anonymous volumes carry no run label: a run that leaks one shows up here. */
export async function danglingVolumes(): Promise<string[]> {
  const v = await docker(['volume', 'ls', '-q', '--filter', 'dangling=true']);
  return v.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}
