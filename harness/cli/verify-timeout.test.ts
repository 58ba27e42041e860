import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeServer, frozenAfterLogin } from '../runtime/fake-server.test-fixture.js';

const root = resolve(import.meta.dirname, '..', '..');

function cli(args: string[]): Promise<{ code: number | null; stderr: string; endedAt: number }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [resolve(root, 'bin/firedrill.mjs'), ...args], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', rej);
    child.on('close', (code) => res({ code, stderr, endedAt: Date.now() }));
  });
}

let server: Awaited<ReturnType<typeof fakeServer>> | undefined;
/** From the command's first connection to its exit (its start-up on a loaded machine is not what is measured). */
const waited = (r: { endedAt: number }) => r.endedAt - server!.firstConnectionAt();
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('verify --timeout: a server that never answers', () => {
  it('a server that completes the login and then never answers a query: exit 2 within the deadline, naming the query', async () => {
    server = await frozenAfterLogin();
    const { port } = server;
    const dsn = `mysql://u:p@127.0.0.1:${port}`;
    const r = await cli(['verify', '--source', dsn, '--target', dsn, '--timeout', '2s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no answer within 2 s \(--timeout\) to: \S+/);
    expect(waited(r)).toBeLessThan(2_000 + 8_000);
  }, 60_000);

  it('snapshot: the same server ends it with exit 2 within its --timeout, naming the query; nothing is written', async () => {
    server = await frozenAfterLogin();
    const dsn = `mysql://u:p@127.0.0.1:${server.port}`;
    const out = join(tmpdir(), `fd-snapshot-timeout-${process.pid}.json`);
    const r = await cli(['snapshot', '--source', dsn, '--out', out, '--timeout', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/u@127\.0\.0\.1:\d+: no answer within 2 s \(--timeout\) to: SELECT/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
    expect(waited(r)).toBeLessThan(2_000 + 8_000);
  }, 60_000);

  it('a server that accepts the TCP connection and never sends its greeting: exit 2 within the deadline', async () => {
    server = await fakeServer(() => {
      /* silence */
    });
    const { port } = server;
    const dsn = `mysql://u:p@127.0.0.1:${port}`;
    const r = await cli(['verify', '--source', dsn, '--target', dsn, '--timeout', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot connect to .*127\.0\.0\.1/);
    expect(waited(r)).toBeLessThan(2_000 + 8_000);
  }, 60_000);

  it('a bad --timeout is bad input (exit 2, one line)', async () => {
    const r = await cli(['verify', '--source', 'mysql://u@h:1', '--target', 'mysql://u@h:1', '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("bad --timeout 'soon'");
  }, 60_000);
});
