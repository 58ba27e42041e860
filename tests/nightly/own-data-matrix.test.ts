import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarios } from '../../harness/scenario/index.js';
import { cli, leftovers } from '../docker/helpers.js';
import { projectRoot as root } from '../../harness/runtime/index.js';

// Every drill on every flavor it supports, on a dataset that is not Sakila (firedrill's own shop dump): no drill
// depends on a sample table. One drill at a time (the machine is shared); small bulk tables.
const SHOP = resolve(root, 'fixtures/datasets/shop');
const all = await loadScenarios();
const cases = all.flatMap((s) => s.flavors.map((flavor) => ({ id: s.id, flavor })));

describe.each(cases)('firedrill run $id --flavor $flavor --dataset shop', ({ id, flavor }) => {
  it(
    'passes on the shop dataset and reports it',
    async () => {
      const r = await cli(['run', id, '--flavor', flavor, '--dataset', SHOP, '--param', 'bulkMb=1', '--json']);
      const result = JSON.parse(r.stdout) as {
        verdict: string;
        runId: string;
        dataset: { name: string; databases: string[] };
        checks: Array<{ name: string; valid: boolean }>;
      };
      expect(result.verdict, r.stderr.slice(-3000)).toBe('pass');
      expect(r.code).toBe(0);
      expect(result.dataset).toMatchObject({ name: 'shop', databases: ['shop'] });
      expect(result.checks.filter((c) => !c.valid)).toEqual([]);
      expect(await leftovers(result.runId)).toEqual([]);
    },
    30 * 60_000,
  );
});
