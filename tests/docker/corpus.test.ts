import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlavorId } from '../../harness/core/index.js';
import type { Corpus } from '../../harness/sql/corpus/index.js';
import { corpusDump, diffsOf, expectEachMutationNamed, replicationPath, unexplained } from './corpus-kit.js';

/**
 * `npm test`'s share of the generated corpus (fixed seed, every case kind the flavor holds in ONE schema, the fixed
 * regression cases first): replication to a replica and the drills' comparison, no false alarm beyond the open
 * findings of docs/corpus-findings.md, and one changed row, view, account and grant each named. The backup paths
 * (mariabackup / clone, whole-server dumps, restore-test --expect) run nightly: tests/nightly/corpus-paths.test.ts,
 * and a fresh seed with shrinking in tests/nightly/corpus.test.ts.
 */
const SEED = 20261206;

describe.each(['mariadb-10.11', 'mysql-9.7'] as FlavorId[])('the corpus on %s', (flavor) => {
  let dir: string;
  let corpus: Corpus;
  let loaded: Corpus;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-corpus-'));
    ({ corpus, loaded, file } = await corpusDump(flavor, SEED, dir));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'replication: the replica reads equal to the primary; one changed row, view, account and grant are each named',
    async () => {
      const r = await replicationPath(flavor, file, corpus);
      expect(unexplained(diffsOf(r.equal), loaded)).toEqual([]);
      expectEachMutationNamed(r);
    },
    10 * 60_000,
  );
});
