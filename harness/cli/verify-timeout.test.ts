import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

function cli(args: string[]): Promise<{ code: number | null; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [resolve(root, 'bin/firedrill.mjs'), ...args], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', rej);
    child.on('close', (code) => res({ code, stderr, ms: Date.now() - t0 }));
  });
}

const packet = (seq: number, payload: Buffer) => {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
};

/** A MySQL handshake (protocol 10, mysql_native_password) that accepts any login, then never answers a query. */
function greeting(): Buffer {
  const caps = 0x1 | 0x200 | 0x2000 | 0x8000 | 0x80000;
  const lo = Buffer.alloc(2);
  lo.writeUInt16LE(caps & 0xffff);
  const hi = Buffer.alloc(2);
  hi.writeUInt16LE(caps >>> 16);
  return packet(
    0,
    Buffer.concat([
      Buffer.from([10]),
      Buffer.from('8.0.99-never-answers\0'),
      Buffer.from([1, 0, 0, 0]),
      Buffer.alloc(8, 0x41),
      Buffer.from([0]),
      lo,
      Buffer.from([33]),
      Buffer.from([2, 0]),
      hi,
      Buffer.from([21]),
      Buffer.alloc(10),
      Buffer.concat([Buffer.alloc(12, 0x42), Buffer.from([0])]),
      Buffer.from('mysql_native_password\0'),
    ]),
  );
}

let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function listen(onConn: (s: Socket) => void): Promise<number> {
  server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    onConn(s);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return (server!.address() as { port: number }).port;
}

describe('verify --timeout: a server that never answers', () => {
  it('a server that completes the login and then never answers a query: exit 2 within the deadline, naming the query', async () => {
    const port = await listen((s) => {
      s.write(greeting());
      let authed = false;
      s.on('data', () => {
        if (!authed) {
          authed = true;
          s.write(packet(2, Buffer.from([0, 0, 0, 2, 0, 0, 0])));
        } // OK to the login; silence after
      });
    });
    const dsn = `mysql://u:p@127.0.0.1:${port}`;
    const r = await cli(['verify', '--source', dsn, '--target', dsn, '--timeout', '2s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no answer within 2 s \(--timeout\) to: \S+/);
    expect(r.ms).toBeLessThan(20_000);
  }, 30_000);

  it('a server that accepts the TCP connection and never sends its greeting: exit 2 within the deadline', async () => {
    const port = await listen(() => {
      /* silence */
    });
    const dsn = `mysql://u:p@127.0.0.1:${port}`;
    const r = await cli(['verify', '--source', dsn, '--target', dsn, '--timeout', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot connect to .*127\.0\.0\.1/);
    expect(r.ms).toBeLessThan(20_000);
  }, 30_000);

  it('a bad --timeout is bad input (exit 2, one line)', async () => {
    const r = await cli(['verify', '--source', 'mysql://u@h:1', '--target', 'mysql://u@h:1', '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("bad --timeout 'soon'");
  }, 30_000);
});
