import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarios } from '../../harness/scenario/index.js';
import { cli, leftovers } from '../docker/helpers.js';
import { projectRoot as root } from '../../harness/runtime/index.js';

// Every drill on every flavor it supports, on datasets that are not Sakila: firedrill's own shop dump (no drill
// depends on a sample table) and storefront, a dump like a production application's (an enabled event, definers of
// host-name and missing users, a case-only name clash, host-name accounts: a healthy database never fails a drill).
// One drill at a time (the machine is shared); small bulk tables. FIREDRILL_MATRIX_DATASETS=storefront runs one.
const DATASETS = (process.env.FIREDRILL_MATRIX_DATASETS ?? 'shop,storefront').split(',').filter(Boolean);
const all = await loadScenarios();
const cases = DATASETS.flatMap((dataset) => all.flatMap((s) => s.flavors.map((flavor) => ({ id: s.id, flavor, dataset }))));

describe.each(cases)('firedrill run $id --flavor $flavor --dataset $dataset', ({ id, flavor, dataset }) => {
  it(
    'passes on the dataset and reports it',
    async () => {
      const r = await cli([
        'run',
        id,
        '--flavor',
        flavor,
        '--dataset',
        resolve(root, 'fixtures/datasets', dataset),
        '--param',
        'bulkMb=1',
        '--json',
      ]);
      const result = JSON.parse(r.stdout) as {
        verdict: string;
        runId: string;
        dataset: { name: string; databases: string[] };
        checks: Array<{ name: string; valid: boolean }>;
      };
      expect(result.verdict, r.stderr.slice(-3000)).toBe('pass');
      expect(r.code).toBe(0);
      expect(result.dataset).toMatchObject({ name: dataset, databases: [dataset] });
      expect(result.checks.filter((c) => !c.valid)).toEqual([]);
      expect(await leftovers(result.runId)).toEqual([]);
    },
    30 * 60_000,
  );
});
