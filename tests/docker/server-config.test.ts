import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDefinition, openTopologyContext, readServerConfig, RunContext, type TopologyContext } from '../../harness/runtime/index.js';
import { validateServerConfig } from '../../harness/runtime/server-config-check.js';
import { cli, leftovers, quiet } from './helpers.js';

const MY_CNF = `[mysqld]
max_connections = 77
innodb_buffer_pool_size = 96M
read_only = ON
binlog_format = MIXED
bind-address = 127.0.0.1
`;

describe.each(['mariadb-11.8', 'mysql-9.7'] as const)('--server-config on %s', (flavor) => {
  let run: RunContext;
  let ctx: TopologyContext;
  let dir: string;
  beforeAll(async () => {
    run = new RunContext();
    dir = await mkdtemp(join(tmpdir(), 'fd-cnf-test-'));
    ctx = await openTopologyContext(run, flavor, quiet);
  }, 180_000);
  afterAll(async () => {
    await run?.teardown();
    await rm(dir, { recursive: true, force: true });
  });

  it("applies the user's options on every node; the topology's own win and are reported", async () => {
    await writeFile(join(dir, 'my.cnf'), MY_CNF);
    const cfg = await readServerConfig(join(dir, 'my.cnf'));
    await validateServerConfig(ctx, cfg);
    ctx.serverConfig = { cfg, overrides: {}, applied: {} };
    const [primary, replica] = await Promise.all([
      new NodeDefinition(ctx, { name: 'primary', server: { serverId: 1 } }).start(),
      new NodeDefinition(ctx, { name: 'replica-1', server: { serverId: 2, readOnly: true } }).start(),
    ]);
    const v = async (n: typeof primary) =>
      Object.fromEntries(
        Object.entries(
          (
            await n.query<Record<string, unknown>>({
              sql: 'SELECT @@max_connections AS mc, @@innodb_buffer_pool_size AS bp, @@read_only AS ro, @@binlog_format AS bf',
            })
          )[0]!,
        ).map(([k, x]) => [k, String(x)]),
      );
    expect(await v(primary)).toMatchObject({ mc: '77', bp: String(96 * 1024 * 1024), ro: '0', bf: 'ROW' });
    expect(await v(replica)).toMatchObject({ mc: '77', ro: '1', bf: 'ROW' });
    const o = ctx.serverConfig.overrides;
    expect(o['primary']!.map((x) => `${x.option}: ${x.yours} -> ${x.ours}`)).toEqual([
      'read-only: ON -> OFF',
      'binlog-format: MIXED -> ROW',
      'bind-address: 127.0.0.1 -> 0.0.0.0',
    ]);
    expect(o['replica-1']!.map((x) => x.option)).toEqual(['binlog-format', 'bind-address']);
    // what each server runs with, read back once it was up: the user's values, the topology's where it pinned one
    expect(ctx.serverConfig.applied['replica-1']).toMatchObject({ max_connections: '77', read_only: 'ON', binlog_format: 'ROW' });
    expect(ctx.serverConfig.applied['primary']).toMatchObject({ innodb_buffer_pool_size: String(96 * 1024 * 1024), read_only: 'OFF' });
  }, 300_000);

  it('names the option the server refuses, before any node starts (exit 2 from the CLI, nothing left)', async () => {
    await writeFile(join(dir, 'bad.cnf'), '[mysqld]\nmax_connections = 50\nno_such_option = 1\n');
    const cfg = await readServerConfig(join(dir, 'bad.cnf'));
    await expect(validateServerConfig(ctx, cfg)).rejects.toThrow(/refuses it: unknown variable 'no_such_option=1'/);
    expect((await leftovers(run.runId)).filter((x) => /server-config-check/.test(x))).toEqual([]);
    const r = await cli(['run', 'replica-pause', '--flavor', flavor, '--server-config', join(dir, 'bad.cnf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/firedrill: --server-config .*bad\.cnf: .* refuses it: unknown variable 'no_such_option=1'/);
    const runId = /run (\d[\w-]+)/.exec(r.stderr)?.[1];
    if (runId) expect(await leftovers(runId)).toEqual([]);
  }, 300_000);
});
