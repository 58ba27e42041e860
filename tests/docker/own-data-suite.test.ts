import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/runtime/index.js';
import { cli, leftovers } from './helpers.js';

// The default suite (the nightly drill) on a dataset like a production application's (fixtures/datasets/storefront:
// events, definers of host-name and missing users, a case-only name clash, host-name accounts), with a server
// configuration of the team's. A healthy database passes: what replication legitimately changes is explained.
describe('firedrill suite default --dataset storefront', () => {
  it("passes both drills on the storefront data with the team's my.cnf, and says so in each result", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fd-suite-'));
    await writeFile(join(dir, 'my.cnf'), '[mysqld]\nmax_connections = 300\nbinlog_format = MIXED\n');
    const r = await cli([
      'suite',
      'default',
      '--dataset',
      resolve(projectRoot, 'fixtures/datasets/storefront'),
      '--server-config',
      join(dir, 'my.cnf'),
      '--param',
      'bulkMb=1',
      '--json',
    ]);
    await rm(dir, { recursive: true, force: true });
    const results = JSON.parse(r.stdout) as Array<{
      scenario: string;
      verdict: string;
      runId: string;
      dataset: { name: string; kind: string; databases: string[]; serverBytes: number };
      serverConfig: { overrides: Record<string, Array<{ option: string; yours: string; ours: string }>> };
      observations: Record<string, any>;
      checks: Array<{ name: string; details: Record<string, unknown> }>;
    }>;
    expect(
      results.map((x) => `${x.scenario}: ${x.verdict}`),
      r.stderr.slice(-3000),
    ).toEqual(['replica-kill-restore: pass', 'pitr-accidental-drop: pass']);
    expect(r.code).toBe(0);
    for (const x of results) {
      expect(x.dataset).toMatchObject({ name: 'storefront', kind: 'dump', databases: ['storefront'] });
      expect(x.dataset.serverBytes).toBeGreaterThan(0);
      // every node got the file; binlog_format is the topology's, and that is reported node by node
      expect(x.serverConfig.overrides['primary']).toEqual([
        expect.objectContaining({ option: 'binlog-format', yours: 'MIXED', ours: 'ROW' }),
      ]);
      expect(Object.keys(x.serverConfig.overrides)).toContain('backup-replica');
      expect(await leftovers(x.runId)).toEqual([]);
    }
    expect(results[1]!.observations['accident target'].table).toMatch(/^storefront\./);
    // The replica shows the enabled event as DISABLE ON SLAVE: explained, with the warning a DBA needs.
    const objects = results[0]!.checks.find((c) => c.name === 'replica-1-schema-objects-equals-primary')!;
    expect(objects.details['explained']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ object: 'nightly_close', rule: 'event-disabled-on-replica', severity: 'warning' }),
      ]),
    );
  }, 1_200_000);

  it('refuses a parameter no drill of the suite has, and a dataset that is not there, before anything starts', async () => {
    const a = await cli(['suite', 'default', '--param', 'nope=1']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/no drill of it has a parameter nope/);
    const b = await cli(['suite', 'default', '--dataset', '/nonexistent/dump.sql.gz']);
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toBe('firedrill: dataset /nonexistent/dump.sql.gz: no such file or folder');
  });
});
