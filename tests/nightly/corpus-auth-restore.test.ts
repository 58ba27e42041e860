import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlavorId } from '../../harness/core/index.js';
import type { Corpus } from '../../harness/sql/corpus/index.js';
import { ACCOUNT_KINDS, OBJECT_KINDS, corpusFor, tableKindsOf } from '../../harness/workload/corpus/index.js';
import { pluginsConfigFile, restoreTest, teamServer, wholeServerDump, writeDump, type TeamServer } from '../docker/corpus-kit.js';
import { diffsOf } from '../docker/corpus-known-findings.js';
import { leftovers } from '../docker/helpers.js';

/**
 * Accounts of other authentication plugins (issue 19) through `restore-test --expect` of a whole-server dump made by
 * the flavor's tool: with the source's my.cnf that loads the plugins (`--server-config`) the restored server equals
 * the recorded state (exit 0); without it, a MariaDB dump stops at the first such account (ERROR 1524), which
 * restore-test names as the restore server's configuration (exit 2, the plugin and the my.cnf line), never "bad
 * backup". FIREDRILL_AUTH_FLAVORS (default mariadb-10.11) chooses the flavors.
 */
const SEED = 20261206;
const FLAVORS = (process.env['FIREDRILL_AUTH_FLAVORS'] ?? 'mariadb-10.11').split(',') as FlavorId[];

describe.each(FLAVORS)('a whole-server dump with accounts of other authentication plugins on %s', (flavor) => {
  let dir: string;
  let corpus: Corpus;
  let team: TeamServer;
  let state: string;
  let dump: string;
  let serverConfig: string[];

  beforeAll(async () => {
    const others = tableKindsOf(flavor).filter((k) => k !== 'strings');
    corpus = corpusFor(flavor, SEED, { cover: true, rows: 2, without: [...others, ...OBJECT_KINDS, ...ACCOUNT_KINDS] });
    dir = await mkdtemp(join(tmpdir(), 'fd-corpus-auth-rt-'));
    serverConfig = await pluginsConfigFile(corpus, dir);
    team = await teamServer(flavor, await writeDump(corpus, dir), corpus);
    state = join(dir, 'state.json');
    await team.snapshot(state);
    dump = await wholeServerDump(team, dir, 'all.sql');
  }, 10 * 60_000);
  afterAll(async () => {
    await team?.run.teardown();
    if (team) expect(await leftovers(team.run.runId)).toEqual([]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'with the my.cnf that loads the plugins: exit 0, every account equal to the state',
    async () => {
      expect(serverConfig).not.toEqual([]);
      const r = await restoreTest(flavor, dump, state, serverConfig);
      expect(r.result, r.stderr.slice(-1500)).toBeDefined();
      expect(diffsOf(r.result!.checks)).toEqual([]);
      expect(r.code).toBe(0);
      expect(await leftovers(r.result!.runId)).toEqual([]);
    },
    10 * 60_000,
  );

  it.runIf(flavor.startsWith('mariadb'))(
    "without it: exit 2 naming the plugin and the my.cnf line, not 'bad backup'",
    async () => {
      const r = await restoreTest(flavor, dump, state);
      expect(r.code, r.stderr.slice(-1500)).toBe(2);
      expect(r.stderr).toMatch(/authentication plugin 'ed25519', which the restore server does not load .*plugin_load_add = auth_ed25519/);
    },
    10 * 60_000,
  );
});
