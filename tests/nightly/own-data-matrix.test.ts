import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FlavorId } from '../../harness/core/index.js';
import { pluginsCnf, renderDump } from '../../harness/sql/corpus/index.js';
import { corpusFor } from '../../harness/workload/corpus/index.js';
import { loadScenarios } from '../../harness/scenario/index.js';
import { cli, leftovers } from '../docker/helpers.js';
import { projectRoot as root } from '../../harness/runtime/index.js';

// Every drill on every flavor it supports, on datasets that are not Sakila: firedrill's own shop dump (no drill
// depends on a sample table) and storefront, a dump like a production application's (an enabled event, definers of
// host-name and missing users, a case-only name clash, host-name accounts: a healthy database never fails a drill).
// One drill at a time (the machine is shared); small bulk tables. FIREDRILL_MATRIX_DATASETS=storefront runs one;
// `corpus` is the generated corpus's covering sample for the flavor (docs/corpus.md: every object kind, account kind and
// name the flavor accepts, seed FIREDRILL_CORPUS_SEED or 20261206), dumped as a team's dump would be.
// FIREDRILL_MATRIX_FLAVORS=mariadb-10.11 keeps one flavor.
const DATASETS = (process.env.FIREDRILL_MATRIX_DATASETS ?? 'shop,storefront').split(',').filter(Boolean);
const FLAVORS = process.env.FIREDRILL_MATRIX_FLAVORS?.split(',');
const SEED = Number(process.env.FIREDRILL_CORPUS_SEED ?? 20261206);
const all = await loadScenarios();
const cases = DATASETS.flatMap((dataset) =>
  all.flatMap((s) => s.flavors.filter((f) => !FLAVORS || FLAVORS.includes(f)).map((flavor) => ({ id: s.id, flavor, dataset }))),
);

/** The corpus dumps written so far, one per flavor, in one temporary folder removed after the matrix. */
const dumps = new Map<FlavorId, Promise<string[]>>();
let dumpDir: Promise<string> | undefined;
afterAll(async () => {
  if (dumpDir) await rm(await dumpDir, { recursive: true, force: true });
});

/**
 * The dataset's arguments: a fixture directory, or the corpus's covering sample for the flavor written to a dump, with
 * the my.cnf that loads the authentication plugins its accounts use (as the team's server does) as --server-config.
 */
function datasetArgs(dataset: string, flavor: FlavorId): Promise<string[]> {
  if (dataset !== 'corpus') return Promise.resolve(['--dataset', resolve(root, 'fixtures/datasets', dataset)]);
  let dump = dumps.get(flavor);
  if (!dump) {
    dumpDir ??= mkdtemp(join(tmpdir(), 'fd-matrix-corpus-'));
    dump = dumpDir.then(async (dir) => {
      const corpus = corpusFor(flavor, SEED, { cover: true, rows: 4 });
      const file = join(dir, `corpus-${flavor}.sql`);
      await writeFile(file, renderDump(corpus));
      const cnf = pluginsCnf(corpus);
      if (!cnf) return ['--dataset', file];
      await writeFile(join(dir, `corpus-${flavor}.cnf`), cnf);
      return ['--dataset', file, '--server-config', join(dir, `corpus-${flavor}.cnf`)];
    });
    dumps.set(flavor, dump);
  }
  return dump;
}

describe.each(cases)('firedrill run $id --flavor $flavor --dataset $dataset', ({ id, flavor, dataset }) => {
  it(
    'passes on the dataset and reports it, or names the limit that refuses it before anything starts',
    async () => {
      const r = await cli([
        'run',
        id,
        '--flavor',
        flavor,
        ...(await datasetArgs(dataset, flavor as FlavorId)),
        '--param',
        'bulkMb=1',
        '--json',
      ]);
      // The covering corpus holds a sequence with a CACHE, which a Galera cluster refuses (MDEV-27862): a limit of the
      // topology, named before anything starts (exit 2, one line naming the sequence and what to do).
      if (dataset === 'corpus' && id.startsWith('galera-')) {
        expect(r.code, r.stderr.slice(-2000)).toBe(2);
        expect(r.stderr.trim().split('\n').at(-1)).toMatch(/a Galera cluster refuses CREATE SEQUENCE with a CACHE .*: \S+ \(INCREMENT BY/);
        return;
      }
      // It also holds MyISAM, MEMORY and key-less tables, to which a Group Replication group refuses every write: a limit
      // of the topology, named the same way (exit 2, one line listing the tables and what to change).
      if (dataset === 'corpus' && id.startsWith('group-replication-')) {
        expect(r.code, r.stderr.slice(-2000)).toBe(2);
        expect(r.stderr.trim().split('\n').at(-1)).toMatch(
          /MySQL Group Replication refuses writes to tables without a PRIMARY KEY: \S.*; tables not InnoDB: .+ \((MyISAM|MEMORY)\)/,
        );
        return;
      }
      const result = JSON.parse(r.stdout) as {
        verdict: string;
        runId: string;
        dataset: { name: string; databases: string[] };
        checks: Array<{ name: string; valid: boolean }>;
      };
      expect(result.verdict, r.stderr.slice(-3000)).toBe('pass');
      expect(r.code).toBe(0);
      if (dataset === 'corpus') expect(result.dataset.databases.length).toBeGreaterThan(1);
      else expect(result.dataset).toMatchObject({ name: dataset, databases: [dataset] });
      expect(result.checks.filter((c) => !c.valid)).toEqual([]);
      expect(await leftovers(result.runId)).toEqual([]);
    },
    30 * 60_000,
  );
});
