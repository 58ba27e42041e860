import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlavorId } from '../../harness/core/index.js';
import type { Corpus } from '../../harness/sql/corpus/index.js';
import {
  applyMutations,
  binlogArchive,
  corpusDump,
  lastGtid,
  mutationsOf,
  packagePath,
  physicalBackup,
  restoreTestWith,
  teamServer,
  unnamed,
} from '../docker/corpus-kit.js';
import { diffsOf, unexplained } from '../docker/corpus-known-findings.js';
import { leftovers } from '../docker/helpers.js';
import { run as runCommand } from '../../harness/exec/index.js';
import type { TeamServer } from '../docker/corpus-kit.js';

/**
 * The generated corpus (the fixed seed and regression cases of tests/nightly/corpus-paths.test.ts) through the restore
 * paths that file does not take: the package round trip (firedrill's physical backup sealed as a FDPKG2 package, then
 * `restore-test` of the package) and PITR (the real tool's backup, more writes, `restore-test --binlogs --until` to a
 * point). Each: no false alarm (equal to the state `firedrill snapshot` recorded at that point), no blind spot (what
 * changed after the state is named, exit 1). Also a mydumper folder (Debian bookworm's mydumper, run from this machine
 * against each flavor's server as a team's job would), restore-tested with myloader: what it cannot carry is named,
 * the rest judged.
 */
const SEED = 20261206;
/** A write after the PITR point, in a database of its own: replaying past the point must name it. */
const LATER = [
  'CREATE DATABASE fd_later',
  'CREATE TABLE fd_later.after_point (id INT PRIMARY KEY)',
  'INSERT INTO fd_later.after_point VALUES (1)',
];

/**
 * A whole-server mydumper folder of the team's server, made from this machine. `failing`: the tool's exit 1 is
 * accepted (bookworm's mydumper 0.10.0 on MySQL 9.7 drops every database whose name is not ASCII, says so on stderr,
 * exits 1 and still writes "Finished dump at": a team's job that ignores the exit code keeps such a folder).
 */
async function mydumperFolder(t: TeamServer, dir: string, name: string, failing = false): Promise<string> {
  const out = join(dir, name);
  const { host, port } = t.node.sqlEndpoint;
  await runCommand(
    [
      'mydumper',
      `--host=${host}`,
      `--port=${port}`,
      `--user=${t.ctx.creds.admin}`,
      `--outputdir=${out}`,
      '--triggers',
      '--events',
      '--routines',
    ],
    { env: { MYSQL_PWD: t.ctx.creds.adminPassword, LANG: 'C.UTF-8' }, timeoutMs: 10 * 60_000, ...(failing ? { okExitCodes: [0, 1] } : {}) },
  );
  return out;
}

const failedNames = (r: { checks: Array<{ name: string; valid: boolean }> } | undefined) =>
  r?.checks.filter((c) => !c.valid).map((c) => c.name) ?? [];

describe.each(['mariadb-10.11', 'mariadb-11.8', 'mysql-9.7'] as FlavorId[])('the corpus on %s, restore paths', (flavor) => {
  let dir: string;
  let corpus: Corpus;
  let loaded: Corpus;
  let file: string;
  let serverConfig: string[];

  /** A restore-test verdict on an equal copy: exit 0 and no difference that no open finding explains. */
  const expectEqual = (r: Awaited<ReturnType<typeof restoreTestWith>>) => {
    expect(r.result, r.stderr.slice(-1500)).toBeDefined();
    expect(unexplained(diffsOf(r.result!.checks), loaded)).toEqual([]);
    expect(r.code, JSON.stringify(diffsOf(r.result!.checks)).slice(0, 3000)).toBe(0);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-corpus-rp-'));
    ({ corpus, loaded, file, serverConfig } = await corpusDump(flavor, SEED, dir));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    "the package round trip: firedrill's physical backup of a replica, packed (FDPKG2) and restore-tested, equals the recorded state; after one changed row, view, account and grant, the next package does not (exit 1), each named",
    async () => {
      const r = await packagePath(flavor, file, corpus, dir);
      expectEqual(r.equal);
      expect(await leftovers(r.equal.result!.runId)).toEqual([]);
      expect(r.mutated.code, r.mutated.stderr.slice(-1500)).toBe(1);
      expect(failedNames(r.mutated.result)).toEqual(expect.arrayContaining(['state-data', 'state-objects', 'state-accounts']));
      expect(
        unnamed(
          r.muts,
          r.mutated.result!.checks.filter((c) => !c.valid),
        ).map((m) => `${m.kind} ${m.names}`),
      ).toEqual([]);
    },
    15 * 60_000,
  );

  it.runIf(flavor !== 'mysql-9.7')(
    "mydumper: a whole-server folder restore-tested with myloader equals the recorded state, myloader's limits named before the restore; after one changed row, view, account and grant, the next folder does not (exit 1), each named",
    async () => {
      const team = await teamServer(flavor, file, corpus);
      try {
        const state = join(dir, 'state-mydumper.json');
        await team.snapshot(state);
        const r = await restoreTestWith(flavor, await mydumperFolder(team, dir, 'mydumper'), state, serverConfig);
        expectEqual(r);
        expect(r.result!.checks.find((c) => c.name === 'limits-of-the-method')).toMatchObject({ status: 'not-applicable' });
        const muts = mutationsOf(corpus);
        await applyMutations(team.node, muts);
        const mutated = await restoreTestWith(flavor, await mydumperFolder(team, dir, 'mydumper-later'), state, serverConfig);
        expect(mutated.code, mutated.stderr.slice(-1500)).toBe(1);
        expect(
          unnamed(
            muts,
            mutated.result!.checks.filter((c) => !c.valid),
          ).map((m) => `${m.kind} ${m.names}`),
        ).toEqual([]);
      } finally {
        await team.run.teardown();
      }
      expect(await leftovers(team.run.runId)).toEqual([]);
    },
    15 * 60_000,
  );

  it.runIf(flavor === 'mysql-9.7')(
    "mydumper 0.10 on MySQL 9.7: its whole-server folder does not load with myloader 0.10 (names that are not ASCII come out as '?', the sys schema's routines are refused): restore-test says it is a bad backup (exit 1) with myloader's own error",
    async () => {
      const team = await teamServer(flavor, file);
      try {
        const state = join(dir, 'state-mydumper.json');
        await team.snapshot(state);
        const r = await restoreTestWith(flavor, await mydumperFolder(team, dir, 'mydumper', true), state);
        expect(r.code, r.stderr.slice(-1500)).toBe(1);
        const failed = diffsOf(r.result!.checks);
        expect(failed).toEqual([expect.objectContaining({ check: 'backup-restores', kind: 'restore-failed' })]);
        expect(String(failed[0]!.actual)).toMatch(/^myloader does not load the folder: .*CRITICAL/s);
      } finally {
        await team.run.teardown();
      }
      expect(await leftovers(team.run.runId)).toEqual([]);
    },
    15 * 60_000,
  );

  it(
    'PITR: the backup, then one changed row, view, account and grant, replayed from the binlogs to that point, equals the state recorded there; one write past it is named',
    async () => {
      const team = await teamServer(flavor, file, corpus);
      try {
        const base = await physicalBackup(team, dir, 'base');
        await applyMutations(team.node, mutationsOf(corpus));
        const point = await lastGtid(team.node);
        const atPoint = join(dir, 'state-point.json');
        await team.snapshot(atPoint);
        for (const sql of LATER) await team.node.query({ sql });
        const past = await lastGtid(team.node);
        const binlogs = await binlogArchive(team, dir, 'binlogs');

        const r = await restoreTestWith(flavor, base, atPoint, ['--binlogs', binlogs, '--until', point, ...serverConfig]);
        expectEqual(r);
        // replayed one write past the point: that write (a new database) is named
        const tooFar = await restoreTestWith(flavor, base, atPoint, ['--binlogs', binlogs, '--until', past, ...serverConfig]);
        expect(tooFar.code, tooFar.stderr.slice(-1500)).toBe(1);
        expect(failedNames(tooFar.result)).toContain('state-data');
        expect(JSON.stringify(tooFar.result!.checks.filter((c) => !c.valid))).toMatch(/fd_later/);
      } finally {
        await team.run.teardown();
      }
      expect(await leftovers(team.run.runId)).toEqual([]);
    },
    15 * 60_000,
  );
});
