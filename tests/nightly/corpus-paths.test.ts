import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlavorId } from '../../harness/core/index.js';
import type { Corpus } from '../../harness/sql/corpus/index.js';
import {
  physicalBackup,
  corpusDump,
  replicationPath,
  restoreTest,
  teamServer,
  expectEachMutationNamed,
  wholeServerDump,
  type TeamServer,
  mutatedBackupNamesEachChange,
} from '../docker/corpus-kit.js';
import { diffsOf, FINDINGS, unexplained, type Diff } from '../docker/corpus-known-findings.js';
import { leftovers } from '../docker/helpers.js';

/**
 * The generated corpus (fixed seed, every case kind the flavor holds in ONE schema: one load per path) through the
 * paths: replication + the drills' comparison, and `snapshot` + `restore-test --expect` of backups made by the real
 * tools outside firedrill (mariabackup / clone, a whole-server dump with accounts). The fixed regression cases
 * (fixtures/corpus/regressions.json) are loaded first, in the same dump. Nightly (5-8 minutes a flavor on 2 cores, measured 2026-12-07);
 * its "findings" tests stay red while a finding of docs/corpus-findings.md is open. `npm test` runs the replication
 * path alone (tests/docker/corpus.test.ts); a fresh seed with shrinking runs in tests/nightly/corpus.test.ts.
 */
const SEED = 20261206;

const failedNames = (r: { checks: Array<{ name: string; valid: boolean }> } | undefined) =>
  r?.checks.filter((c) => !c.valid).map((c) => c.name) ?? [];

describe.each(['mariadb-10.11', 'mariadb-11.8', 'mysql-9.7'] as FlavorId[])('the corpus on %s', (flavor) => {
  let dir: string;
  let corpus: Corpus;
  let loaded: Corpus;
  let file: string;
  let serverConfig: string[];
  let team: TeamServer;
  let state: string;
  /** Every difference each path reported on equal copies (for the open findings' own tests). */
  const seen: Diff[] = [];
  /** restore-test --expect of an artifact of the unchanged server: no difference that no open finding explains. */
  const equalsState = async (artifact: string) => {
    const r = await restoreTest(flavor, artifact, state, serverConfig);
    expect(r.result, r.stderr.slice(-1500)).toBeDefined();
    const d = diffsOf(r.result!.checks);
    seen.push(...d);
    expect(unexplained(d, loaded)).toEqual([]);
    expect(await leftovers(r.result!.runId)).toEqual([]);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-corpus-'));
    ({ corpus, loaded, file, serverConfig } = await corpusDump(flavor, SEED, dir));
    team = await teamServer(flavor, file, corpus);
    state = join(dir, 'state.json');
    await team.snapshot(state);
  }, 10 * 60_000);
  afterAll(async () => {
    await team?.run.teardown();
    if (team) expect(await leftovers(team.run.runId)).toEqual([]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'replication: the replica reads equal to the primary; one changed row, view, account and grant are each named',
    async () => {
      const r = await replicationPath(flavor, file, corpus);
      const equal = diffsOf(r.equal);
      seen.push(...equal);
      expect(unexplained(equal, loaded)).toEqual([]);
      expectEachMutationNamed(r);
    },
    10 * 60_000,
  );

  it(
    `the physical backup (${flavor.startsWith('mysql') ? 'clone' : 'mariabackup'}) restores and equals the recorded state`,
    async () => {
      await equalsState(await physicalBackup(team, dir, 'full'));
    },
    10 * 60_000,
  );

  it(
    'a whole-server dump with accounts restores and equals the recorded state',
    async () => {
      await equalsState(await wholeServerDump(team, dir, 'all.sql'));
    },
    10 * 60_000,
  );

  it(
    'after one changed row, view, account and grant, the backup no longer equals the state (exit 1), each named',
    async () => {
      const r = await mutatedBackupNamesEachChange(flavor, team, dir, corpus, state, serverConfig);
      expect(failedNames(r.result)).toEqual(expect.arrayContaining(['state-data', 'state-objects', 'state-accounts']));
    },
    10 * 60_000,
  );

  describe('findings (docs/corpus-findings.md): each test passes once its finding is fixed', () => {
    for (const f of FINDINGS) {
      it(`${f.id}${f.open ? ' (open)' : ' (fixed)'}: ${f.title}`, () => {
        expect(seen.filter((d) => f.shows(d, loaded))).toEqual([]);
      });
    }
  });
});
