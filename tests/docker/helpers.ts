import { spawn } from 'node:child_process';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
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

/** Every file under these folders (recursively; missing folders are skipped) whose bytes hold one of the needles. */
export async function filesHolding(needles: readonly string[], folders: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p).catch(() => undefined);
    if (!st) return;
    if (st.isDirectory()) {
      for (const n of await readdir(p).catch(() => [] as string[])) await walk(join(p, n));
      return;
    }
    if (!st.isFile()) return;
    const bytes = await readFile(p).catch(() => undefined);
    if (bytes && needles.some((n) => bytes.includes(n))) hits.push(p);
  };
  for (const f of folders) await walk(f);
  return hits;
}

/** The passwords firedrill's own option files hold inside a run's containers (read where they legitimately live). */
export async function passwordsInContainers(runId: string): Promise<string[]> {
  const c = await docker(['ps', '--filter', `label=firedrill.run=${runId}`, '--format', '{{.Names}}']);
  const found = new Set<string>();
  for (const name of c.stdout.split('\n').filter(Boolean)) {
    const r = await docker([
      'exec',
      name,
      'sh',
      '-c',
      'cat /etc/firedrill-restore-test/client.cnf /etc/firedrill-stream.cnf 2>/dev/null; true',
    ]).catch(() => undefined);
    for (const m of r?.stdout.matchAll(/^password=(.+)$/gm) ?? []) found.add(m[1]!.trim());
  }
  return [...found];
}

/**
 * `firedrill restore-test --json ARGS` as a user runs it: exit code, stderr and the parsed result (none when it
 * exits 2 before a report). A result's run must have left nothing behind.
 */
/** What a test reads of restore-test's `--json` result. */
export interface RestoreTestResult {
  runId: string;
  verdict: string;
  checks: Array<{ name: string; valid: boolean; details: Record<string, unknown> }>;
  observations: Record<string, unknown>;
  phases: Array<{ name: string; durationMs: number }>;
  rto: { ms: number | null };
}

export async function restoreTestCli<R extends { runId: string } = RestoreTestResult>(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; result?: R }> {
  const r = await cli(['restore-test', '--json', ...args], { env });
  let result: R | undefined;
  try {
    result = JSON.parse(r.stdout) as R;
  } catch {
    /* exit 2: no result */
  }
  if (result && (await leftovers(result.runId)).length)
    throw new Error(`restore-test run ${result.runId} left containers, volumes or networks`);
  return { code: r.code, stderr: r.stderr, result };
}
