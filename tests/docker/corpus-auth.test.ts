import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlavorId } from '../../harness/core/index.js';
import { pluginNotLoaded } from '../../harness/restore/outcome.js';
import { NodeDefinition, openTopologyContext, RunContext, type StartedNode, type TopologyContext } from '../../harness/runtime/index.js';
import { authMutation, isAuthKind, pluginsNeeded, renderDump, type Corpus, type Mutation } from '../../harness/sql/corpus/index.js';
import { ACCOUNT_KINDS, OBJECT_KINDS, corpusFor, tableKindsOf } from '../../harness/workload/corpus/index.js';
import { datasetSource, loadDataset, planDataset } from '../../harness/workload/index.js';
import { unnamed, withCorpusPlugins } from './corpus-kit.js';
import { cli, leftovers, quiet } from './helpers.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Accounts of the authentication plugins each build ships (issue 19: MariaDB ed25519, unix_socket, both at once;
 * MySQL caching_sha2_password and sha256_password with stored hashes, auth_socket, mysql_no_login), through the flavor's own dump tool
 * and a load into a second server, both loading the plugins the accounts need (the corpus's plugins.cnf as the
 * servers' my.cnf): `firedrill verify` reads them equal (exit 0); one account's plugin changed on the copy is named
 * (exit 1). A server that does not load the plugin: what the dump's load does there. A small corpus (the
 * covering sample's accounts, one table), so that it stays well under a minute per flavor; the same accounts are in
 * the covering corpus of tests/docker/corpus.test.ts (replication, MySQL's clone) and the nightly paths.
 */
const SEED = 20261206;

interface JsonVerdict {
  equal: boolean;
  checks: Array<{ name: string; valid: boolean; details: { differences?: Array<Record<string, unknown>> } }>;
}

/** The flavor's dump tool as a team runs it for accounts: MariaDB `--system=users` (CREATE USER IF NOT EXISTS),
 * MySQL the grant tables inside `--all-databases` (there is no CREATE USER form in mysqldump). */
const dumpArgv = (flavor: FlavorId, db: string): string[] =>
  flavor.startsWith('mariadb')
    ? ['mariadb-dump', '--system=users', '--insert-ignore', '--databases', db]
    : ['mysqldump', '--all-databases', '--flush-privileges', '--set-gtid-purged=OFF'];

describe.each(['mariadb-10.11', 'mysql-9.7'] as FlavorId[])('accounts of other authentication plugins on %s', (flavor) => {
  let run: RunContext;
  let ctx: TopologyContext;
  let team: StartedNode;
  let copy: StartedNode;
  let bare: StartedNode;
  let corpus: Corpus;
  let dir: string;
  /** The dump on the host (bytes as the tool wrote them: BINARY and BLOB values are not text). */
  let dump: string;
  let env: Record<string, string>;
  const dsn = (n: StartedNode) => `mysql://${ctx.creds.admin}:\${FD_AUTH_PW}@${n.address}:3306`;
  const verify = async () => {
    const r = await cli(['verify', '--source', dsn(team), '--target', dsn(copy), '--databases', corpus.databases[0]!, '--json'], { env });
    return { ...r, verdict: JSON.parse(r.stdout) as JsonVerdict };
  };

  beforeAll(async () => {
    const t0 = Date.now();
    // the covering sample's accounts (localhost, host-name and every plugin's) over one table; no objects
    const others = tableKindsOf(flavor).filter((k) => k !== 'strings');
    corpus = corpusFor(flavor, SEED, { cover: true, rows: 2, without: [...others, ...OBJECT_KINDS, ...ACCOUNT_KINDS] });
    run = new RunContext();
    ctx = withCorpusPlugins(await openTopologyContext(run, flavor, quiet), corpus);
    env = { FD_AUTH_PW: ctx.creds.adminPassword };
    // bare-db: the same image and network without the corpus's my.cnf (no plugin loaded)
    [team, copy, bare] = await Promise.all([
      new NodeDefinition(ctx, { name: 'team-db', server: { serverId: 1 } }).start(),
      new NodeDefinition(ctx, { name: 'copy-db', server: { serverId: 2 } }).start(),
      new NodeDefinition({ ...ctx, serverConfig: undefined }, { name: 'bare-db', server: { serverId: 3 } }).start(),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'fd-corpus-auth-'));
    const file = join(dir, 'corpus.sql');
    await writeFile(file, renderDump(corpus));
    await loadDataset(team, await planDataset(datasetSource(file)));
    await team.container.exec(['sh', '-c', '"$@" > /tmp/accounts.sql', 'sh', ...dumpArgv(flavor, corpus.databases[0]!)]);
    dump = join(dir, 'accounts.sql');
    await team.container.copyOut('/tmp/accounts.sql', dump);
    await copy.container.exec([...copy.adapter.client], { inputFile: dump });
    console.log(`corpus-auth ${flavor}: two servers, load, dump and load of the dump: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 10 * 60_000);
  afterAll(async () => {
    await run?.teardown();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (run) expect(await leftovers(run.runId)).toEqual([]);
  });

  it('the dump carries every such account: verify reads the copy equal to the team server (exit 0)', async () => {
    expect(corpus.accounts.filter((a) => isAuthKind(a.kind)).length).toBe(flavor.startsWith('mariadb') ? 3 : 4);
    expect(await readFile(dump, 'latin1')).toMatch(
      flavor.startsWith('mariadb') ? /IDENTIFIED VIA ed25519 USING '[^']+' OR unix_socket/ : /'auth_socket'/,
    );
    const r = await verify();
    expect(
      r.verdict.checks.filter((c) => !c.valid),
      r.stderr.slice(-1500),
    ).toEqual([]);
    expect(r.code).toBe(0);
  }, 120_000);

  it("one account's plugin changed on the copy: verify exits 1 and names that account, and only it", async () => {
    const m: Mutation = authMutation(corpus)!;
    for (const sql of m.sql) await copy.query({ sql });
    const r = await verify();
    expect(r.code, r.stderr.slice(-1500)).toBe(1);
    const failed = r.verdict.checks.filter((c) => !c.valid);
    expect(unnamed([m], failed)).toEqual([]);
    // every difference is that account's: its definition (and on MariaDB its SHOW GRANTS line, which carries the plugin)
    const diffs = failed.flatMap((c) => c.details.differences ?? []);
    expect(new Set(diffs.map((d) => d['object']))).toEqual(new Set([m.names.replace(/'/g, '')]));
    expect(diffs.map((d) => d['kind'])).toContain('account-definition-differs');
  }, 120_000);

  it('a server that does not load the plugins: what the load of the same dump does there', async () => {
    const loaded = await bare.container.exec([...bare.adapter.client], { inputFile: dump }).then(
      () => 'loaded',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    if (flavor.startsWith('mariadb')) {
      // MariaDB's CREATE USER refuses an account of a plugin it does not load: restore-test says so (exit 2), not "bad backup"
      expect(pluginNotLoaded(loaded)).toBe(pluginsNeeded(corpus)[0]!.plugin);
    } else {
      // mysqldump writes the grant tables' rows: they load without the plugin (the account cannot log in there)
      expect(loaded).toBe('loaded');
    }
  }, 120_000);
});
