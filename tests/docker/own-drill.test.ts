import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, leftovers } from './helpers.js';
import { projectRoot as root } from '../../harness/runtime/index.js';

// A team's own drill, in a folder outside the repository, written against the public API ('firedrill'), run on a
// dataset of the team's (here firedrill's small shop dump) with `firedrill run PATH`.
const DRILL = `import {
  defineScenario, phase, primaryReplicas, datasetPlusBulk, ALL_FLAVORS,
  underLoad, inject, expectReplicating, stopWorkload, converge, equalsPrimary, ledgerHolds,
} from 'firedrill';

export default defineScenario({
  id: 'orders-failover',
  description: 'our orders replica is SIGKILLed under load and comes back equal to the primary',
  flavors: ALL_FLAVORS,
  ...datasetPlusBulk(0),
  topology: primaryReplicas({ replicas: ['replica-1'] }),
  workload: { writers: 2, ratePerSec: 100 },
  phases: [
    phase('crash', [underLoad(100), inject({ kind: 'kill', target: 'replica-1', signal: 'KILL' }), expectReplicating('replica-1')]),
    phase('verify', [stopWorkload(), converge(['replica-1']), equalsPrimary('replica-1'), ledgerHolds('replica-1')]),
  ],
  rpoNode: 'replica-1',
});
`;

describe('firedrill run PATH: a drill file of your own, outside the repository', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-ops-'));
    await writeFile(join(dir, 'orders-failover.ts'), DRILL);
    await writeFile(join(dir, 'not-a-drill.ts'), 'export const x = 1;\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("runs it on the team's dataset and passes", async () => {
    const r = await cli(['run', join(dir, 'orders-failover.ts'), '--dataset', resolve(root, 'fixtures/datasets/shop/shop.sql'), '--json']);
    const result = JSON.parse(r.stdout) as {
      verdict: string;
      scenario: string;
      runId: string;
      dataset: { name: string; kind: string; databases: string[] };
      checks: Array<{ name: string; valid: boolean }>;
    };
    expect(result.verdict, r.stderr.slice(-3000)).toBe('pass');
    expect(r.code).toBe(0);
    expect(result.scenario).toBe('orders-failover');
    expect(result.dataset).toMatchObject({ name: 'shop.sql', kind: 'dump', databases: ['shop'] });
    expect(result.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['replica-1-data-equals-primary', 'replica-1-ledger']));
    expect(await leftovers(result.runId)).toEqual([]);
  }, 600_000);

  it("joins firedrill list and a suite of the config from a drill folder; doctor checks the suite's inputs", async () => {
    const cfg = join(dir, 'firedrill.config.json');
    await writeFile(
      cfg,
      JSON.stringify({
        drillFolders: ['.'],
        suites: { mine: { dataset: resolve(root, 'fixtures/datasets/shop'), drills: ['orders-failover'] } },
      }),
    );
    // the folder also holds not-a-drill.ts: a folder must hold drills only
    await rm(join(dir, 'not-a-drill.ts'));
    const env = { FIREDRILL_CONFIG: cfg };
    const list = await cli(['list', '--json'], { env });
    expect(list.code, list.stderr).toBe(0);
    const ids = JSON.parse(list.stdout) as Array<{ id: string; params: Record<string, { pattern?: string }> }>;
    expect(ids.map((x) => x.id)).toContain('orders-failover');
    expect(ids.find((x) => x.id === 'pitr-accidental-drop')!.params['dropTable']!.pattern).toMatch(/auto/);
    const doc = await cli(['doctor'], { env });
    expect(doc.stdout).toMatch(/ok {4}suite mine: 1 drills/);
    expect(doc.stdout).toMatch(/ok {4}suite mine dataset: shop from .*: shop \(5 tables\)/);
    // firedrill's own schema named like a database of the dataset: doctor says so (and a run would exit 2)
    await writeFile(
      cfg,
      JSON.stringify({
        ownSchema: 'shop',
        drillFolders: ['.'],
        suites: { mine: { dataset: resolve(root, 'fixtures/datasets/shop'), drills: ['orders-failover'] } },
      }),
    );
    const clash = await cli(['doctor'], { env });
    expect(clash.code).toBe(2);
    expect(clash.stdout).toMatch(/MISS {2}suite mine dataset: dataset shop has database 'shop', which firedrill uses for itself/);
    const run = await cli(['suite', 'mine'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/dataset shop has database 'shop', which firedrill uses for itself/);
    await writeFile(join(dir, 'not-a-drill.ts'), 'export const x = 1;\n');
    await rm(cfg);
  }, 300_000);

  it('refuses a file that is not a drill, and a missing one, with exit 2 and one line', async () => {
    for (const [f, re] of [
      ['not-a-drill.ts', /its default export is not a scenario/],
      ['missing.ts', /no such file/],
    ] as const) {
      const r = await cli(['run', join(dir, f)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
