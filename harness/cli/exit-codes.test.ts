import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-exit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [resolve(root, 'bin/firedrill.mjs'), ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

describe('a run that cannot start', () => {
  it('no Docker engine: exit 2 with the cause on stderr, and result.json (verdict error) and junit.xml are written', async () => {
    const reports = join(dir, 'reports');
    const r = await cli(['run', 'replica-kill-restore', '--param', 'bulkMb=1'], {
      DOCKER_HOST: `unix://${join(dir, 'no-engine.sock')}`,
      FIREDRILL_REPORTS_DIR: reports,
      FIREDRILL_RUNS_DIR: join(dir, 'runs'),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no Docker engine answers/);
    const runs = (await readdir(reports)).filter((f) => f !== 'history.jsonl'); // every run also appends to the history
    expect(runs).toHaveLength(1);
    const result = JSON.parse(await readFile(join(reports, runs[0]!, 'result.json'), 'utf8')) as {
      verdict: string;
      error: string;
      cause: { kind: string; message: string };
    };
    expect(result.verdict).toBe('error');
    expect(result.cause).toEqual({ kind: 'environment', message: expect.stringMatching(/^no Docker engine answers/) });
    expect(result.error).toMatch(/no Docker engine answers/);
    expect(await readFile(join(reports, runs[0]!, 'junit.xml'), 'utf8')).toMatch(/<error message="drill did not complete \(error\)"/);
    expect(await readdir(join(dir, 'runs')).catch(() => [])).toEqual([]); // no temporary folder left
  }, 60_000);

  it('bad input (unknown scenario) is one line and exit 2, and no report folder at all', async () => {
    const reports = join(dir, 'reports');
    const r = await cli(['run', 'no-such-drill'], { FIREDRILL_REPORTS_DIR: reports });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await readdir(reports).catch(() => [])).toEqual([]);
  }, 60_000);
});

describe('a drill file with a mistake', () => {
  it("the README's example with one typo (signal 'KIL') is refused in one line, exit 2, before any container or report", async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const example = /```ts\n(\/\/ ops\/drills\/orders-failover\.ts\n[\s\S]*?)```/.exec(readme)![1]!;
    expect(example).toContain("signal: 'KILL'");
    await writeFile(join(dir, 'orders-failover.ts'), example.replace("signal: 'KILL'", "signal: 'KIL'"));
    const reports = join(dir, 'reports');
    // no engine at all: a drill that got as far as planning would say "no Docker engine answers" instead
    const r = await cli(['run', join(dir, 'orders-failover.ts')], {
      DOCKER_HOST: `unix://${join(dir, 'no-engine.sock')}`,
      FIREDRILL_REPORTS_DIR: reports,
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /orders-failover: phase 'crash': fault kill on 'replica-1': signal "KIL" is not one of KILL, TERM, ABRT, SEGV/,
    );
    expect(await readdir(reports).catch(() => [])).toEqual([]);
  }, 60_000);
});
