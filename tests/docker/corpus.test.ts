import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlavorId } from '../../harness/core/index.js';
import type { Corpus } from '../../harness/sql/corpus/index.js';
import { corpusDump, expectEachMutationNamed, physicalBackup, replicationPath, restoreTest, teamServer } from './corpus-kit.js';
import { diffsOf, unexplained } from './corpus-known-findings.js';
import { leftovers } from './helpers.js';

/**
 * `npm test`'s share of the generated corpus (fixed seed, every case kind the flavor holds in ONE schema, the fixed
 * regression cases first): replication to a replica and the drills' comparison, no false alarm beyond the open
 * findings of docs/corpus-findings.md, and one changed row, view, account and grant each named; and on MySQL
 * `snapshot` + `restore-test --expect` of the clone the real tool made. The other backup paths
 * (whole-server dumps, PITR, the package round trip, mutations after the state) run nightly:
 * tests/nightly/corpus-paths.test.ts and corpus-restore-paths.test.ts, a fresh seed with shrinking in
 * tests/nightly/corpus.test.ts.
 */
const SEED = 20261206;

describe.each(['mariadb-10.11', 'mysql-9.7'] as FlavorId[])('the corpus on %s', (flavor) => {
  let dir: string;
  let corpus: Corpus;
  let loaded: Corpus;
  let file: string;
  let serverConfig: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-corpus-'));
    ({ corpus, loaded, file, serverConfig } = await corpusDump(flavor, SEED, dir));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'replication: the replica reads equal to the primary; one changed row, view, account, grant and authentication plugin are each named',
    async () => {
      const r = await replicationPath(flavor, file, corpus);
      expect(unexplained(diffsOf(r.equal), loaded)).toEqual([]);
      // the covering corpus holds an account of each plugin the build ships (both nodes load them)
      expect(r.muts.map((m) => m.kind)).toContain('authentication');
      expectEachMutationNamed(r);
    },
    10 * 60_000,
  );

  // Declared on MySQL only (the clone, whose limit, InnoDB rows only, must be named ahead): both flavors passed, but
  // each costs 4-5 minutes on a loaded 2-core machine; mariabackup's restore-test runs nightly (corpus-paths.test.ts).
  if (flavor !== 'mysql-9.7') return;
  it(
    'the physical backup (clone) made outside firedrill: restore-test --expect reads it equal to the recorded state',
    async () => {
      const team = await teamServer(flavor, file, corpus);
      try {
        const state = join(dir, 'state.json');
        await team.snapshot(state);
        const r = await restoreTest(flavor, await physicalBackup(team, dir, 'full'), state, serverConfig);
        expect(r.result, r.stderr.slice(-1500)).toBeDefined();
        expect(unexplained(diffsOf(r.result!.checks), loaded)).toEqual([]);
        expect(r.code).toBe(0);
        expect(await leftovers(r.result!.runId)).toEqual([]);
      } finally {
        await team.run.teardown();
      }
      expect(await leftovers(team.run.runId)).toEqual([]);
    },
    10 * 60_000,
  );
});
