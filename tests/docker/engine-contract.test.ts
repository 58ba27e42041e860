// What every drill needs from a container engine, checked against the engine DOCKER_HOST (or the docker context)
// names: the local dockerd in `npm test`, a dind engine with `firedrill engine dind` (docs/engines.md). Two servers
// of the default flavor on the run's network; each operation is checked by what a user would observe.
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLAVOR } from '../../harness/core/index.js';
import type { ExecError } from '../../harness/exec/index.js';
import { currentEngine, docker, NodeDefinition, openTopologyContext, RunContext, type StartedNode } from '../../harness/runtime/index.js';
import { oneShot } from '../../harness/runtime/oneshot.js';
import { placeMounts, type Mount } from '../../harness/runtime/mounts.js';
import type { TopologyContext } from '../../harness/runtime/context.js';
import { leftovers, quiet } from './helpers.js';

let run: RunContext;
let ctx: TopologyContext;
let a: StartedNode;
let b: StartedNode;
let dir: string;
let version: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-engine-contract-'));
  run = new RunContext();
  ctx = await openTopologyContext(run, DEFAULT_FLAVOR, quiet);
  // A file put into the container before its first start, read by the server at that start (an option file).
  const files = [{ dir: '/etc/mysql/conf.d', files: [{ name: 'zz-contract.cnf', content: '[mysqld]\nmax_connections = 77\n' }] }];
  [a, b] = [
    await new NodeDefinition(ctx, { name: 'a', server: { serverId: 1 }, files }).start(),
    await new NodeDefinition(ctx, { name: 'b', server: { serverId: 2 } }).start(),
  ];
  const [row] = await a.query<{ v: string }>({ sql: 'SELECT VERSION() AS v' });
  version = row!.v;
}, 300_000);
afterAll(async () => {
  await run?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The server greeting `to` sends to `from` over the topology's network (by name, port 3306), or the error. */
const greeting = (from: StartedNode, to: string) =>
  from.container
    .exec(['timeout', '5', 'bash', '-c', `exec 3<>/dev/tcp/${to}/3306 && head -c 80 <&3 | tr -c '[:print:]' .`], { timeoutMs: 20_000 })
    .then(
      (r) => r.stdout,
      (e: ExecError) => `failed: ${e.message}`,
    );
const maxConnections = async (n: StartedNode) => (await n.query<{ v: string }>({ sql: 'SELECT @@max_connections AS v' }))[0]!.v;

describe(`the engine contract (${process.env['DOCKER_HOST'] || 'the local engine'})`, () => {
  it('the harness reaches each server at the engine seam: bridge address on the local dockerd, published port elsewhere', async () => {
    const engine = await currentEngine();
    expect(a.sqlEndpoint.port).toEqual(engine.reach === 'bridge' ? 3306 : expect.any(Number));
    if (engine.reach === 'published') expect(a.sqlEndpoint.host).toBe(engine.publishHost);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await maxConnections(b)).not.toBe('77');
  });

  it('a file put in before the first start is what the server started with', async () => {
    expect(await maxConnections(a)).toBe('77');
  });

  it('one node reaches another by name on the topology network; a network cut stops it, the heal brings it back', async () => {
    expect(await greeting(b, 'a')).toContain(version.split('-')[0]);
    await a.disconnectNetwork();
    expect(await greeting(b, 'a')).toMatch(/^failed/);
    await a.connectNetwork();
    expect(await greeting(b, 'a')).toContain(version.split('-')[0]);
    expect(await maxConnections(a)).toBe('77'); // and the harness reaches it again, wherever its port now is
  });

  it('exec streams stdin to a command and its stdout back', async () => {
    const r = await a.container.exec(['tr', 'a-z', 'A-Z'], { input: 'firedrill engine contract\n' });
    expect(r.stdout).toBe('FIREDRILL ENGINE CONTRACT\n');
  });

  it('files are copied in and out as archives through the engine (no shared path)', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    await a.container.putFile('/tmp/contract.bin', bytes, 0o600);
    const r = await a.container.exec(['stat', '-c', '%s %a', '/tmp/contract.bin']);
    expect(r.stdout.trim()).toBe('70000 600');
    await a.container.copyOut('/tmp/contract.bin', join(dir, 'back.bin'));
    expect((await readFile(join(dir, 'back.bin'))).equals(bytes)).toBe(true);
  });

  it('a named volume keeps its files from one container to the next', async () => {
    const volume = await run.volume('contract-vol');
    await oneShot(ctx, { name: 'vol-write', volume, argv: ['sh', '-c', 'echo kept > /var/lib/mysql/marker'] });
    const r = await oneShot(ctx, { name: 'vol-read', volume, argv: ['cat', '/var/lib/mysql/marker'] });
    expect(r.stdout.trim()).toBe('kept');
  });

  // A folder read (and left alone), a single file, a folder written: what backups, restores and binlog tools need.
  const folders = async (tag: string) => {
    const base = join(dir, tag);
    const bytes = Buffer.from(Array.from({ length: 90_000 }, (_, i) => (i * 13) % 256));
    await mkdir(join(base, 'in', 'sub'), { recursive: true });
    await writeFile(join(base, 'in', 'sub', 'data.bin'), bytes);
    await chmod(join(base, 'in', 'sub', 'data.bin'), 0o640);
    await writeFile(join(base, 'single.txt'), 'one file\n');
    await mkdir(join(base, 'out'));
    const mounts: Mount[] = [
      { source: join(base, 'in'), target: '/in', readOnly: true },
      { source: join(base, 'single.txt'), target: '/etc/fd-single.txt', readOnly: true },
      { source: join(base, 'out'), target: '/out' },
    ];
    const argv = [
      'sh',
      '-c',
      'cp /in/sub/data.bin /out/copy.bin && stat -c %a /in/sub/data.bin > /out/mode && cat /etc/fd-single.txt > /out/single.txt',
    ];
    const expectBack = async () => {
      expect((await readFile(join(base, 'out', 'copy.bin'))).equals(bytes)).toBe(true);
      expect((await readFile(join(base, 'out', 'mode'), 'utf8')).trim()).toBe('640');
      expect(await readFile(join(base, 'out', 'single.txt'), 'utf8')).toBe('one file\n');
      expect((await readFile(join(base, 'in', 'sub', 'data.bin'))).equals(bytes)).toBe(true);
    };
    return { mounts, argv, expectBack };
  };

  it('a one-shot gets harness folders and a file, and what it writes comes back (the way this engine does it)', async () => {
    const f = await folders('engine-way');
    await oneShot(ctx, { name: 'files-engine-way', argv: f.argv, mounts: f.mounts });
    await f.expectBack();
  });

  it("a remote engine's way on this one: volumes filled and read through docker cp, no harness path reaches the engine", async () => {
    const f = await folders('copied');
    const name = run.name('files-copied');
    const placed = await placeMounts(run, name, f.mounts, 'copied');
    expect(placed.args.join(' ')).not.toContain(dir);
    run.onTeardown(`remove container ${name}`, async () => {
      await docker(['rm', '-f', '-v', name]);
    });
    await docker(['create', '--name', name, ...run.labelArgs(), '-e', 'FIREDRILL_EMPTY_DATADIR=1', ...placed.args, ctx.image, ...f.argv]);
    await placed.fill();
    await docker(['start', '-a', name]);
    await placed.drain();
    await docker(['rm', '-f', '-v', name]);
    await placed.release();
    await f.expectBack();
    expect((await stat(join(dir, 'copied', 'in', 'sub', 'data.bin'))).mode & 0o777).toBe(0o640);
  });

  it('pause freezes the server (a query waits), unpause lets it answer', async () => {
    await a.container.pause();
    try {
      await expect(a.query({ sql: 'SELECT 1' }, { timeoutMs: 1500 })).rejects.toThrow();
    } finally {
      await a.container.unpause();
    }
    a.dropConnection();
    expect(await maxConnections(a)).toBe('77');
  });

  it('kill with a signal stops the container with that signal; a start brings it back, reached again', async () => {
    const killed = await a.kill('KILL');
    expect(killed).toMatchObject({ running: false, exitCode: 137 });
    await a.restart();
    expect(await maxConnections(a)).toBe('77');
    const term = await b.stop(30);
    expect(term.running).toBe(false);
    await b.restart();
    expect(await greeting(b, 'a')).toContain(version.split('-')[0]);
  });

  it('everything the run made carries its label and is gone after its teardown', async () => {
    const labelled = await leftovers(run.runId);
    expect(labelled).toEqual(expect.arrayContaining([expect.stringMatching(/-a$/), expect.stringMatching(/-b$/)]));
    const others = await docker(['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${run.runId}`]);
    for (const n of others.stdout.split('\n').filter(Boolean)) expect(labelled).toContain(n);
    await run.teardown();
    expect(await leftovers(run.runId)).toEqual([]);
  });
});
