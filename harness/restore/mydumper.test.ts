import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../exec/index.js';
import { grantTablesSql } from '../sql/index.js';
import { compareObjects } from '../verify/index.js';
import { setSettingsAside, withoutSettings } from '../verify/settings-not-carried.js';
import { mydumperMetadata } from './artifact-kinds/mydumper.js';
import { detectArtifact } from './external.js';
import { carryLimits, describeLimits } from './method-limits.js';
import { describeSettingsLimit, failsByTheLimit, mydumperSettingsLimit } from './mydumper-limits.js';
import { notApplicableChecks } from './outcome.js';
import { firstMyloaderError, requireMyloader } from './restore-test-myloader.js';

// What Debian's mydumper 0.10.1 wrote for a MariaDB 10.11 server (measured), and for a replica of one.
const PRIMARY = `Started dump at: 2026-12-07 18:31:05
SHOW MASTER STATUS:
\tLog: mb.000001
\tPos: 3283
\tGTID:0-1-14

Finished dump at: 2026-12-07 18:31:06
`;
const REPLICA = `Started dump at: 2026-12-07 18:31:05
SHOW SLAVE STATUS:
\tHost: 172.18.0.2
\tLog: mb.000002
\tPos: 991
\tGTID:0-1-20

SHOW MASTER STATUS:
\tLog: mb.000001
\tPos: 3283
\tGTID:0-2-3

Finished dump at: 2026-12-07 18:31:06
`;

const dir = await mkdtemp(join(tmpdir(), 'fd-mydumper-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function folder(name: string, metadata: string | undefined, files: string[]): Promise<string> {
  const p = join(dir, name);
  await mkdir(p);
  if (metadata !== undefined) await writeFile(join(p, 'metadata'), metadata);
  for (const f of files) await writeFile(join(p, f), 'CREATE TABLE `t` (`id` int);\n');
  return p;
}

describe('a mydumper folder, recognised by its metadata and schema files', () => {
  it("reads the dump's times and position: a replica's position when the source was a replica, else the source's own", () => {
    expect(mydumperMetadata(PRIMARY)).toMatchObject({ gtid: '0-1-14', family: 'mariadb', finishedAt: expect.any(String) });
    expect(mydumperMetadata(REPLICA)).toMatchObject({ gtid: '0-1-20', family: 'mariadb' });
    const mysql = PRIMARY.replace('0-1-14', '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5');
    expect(mydumperMetadata(mysql)).toMatchObject({ family: 'mysql', gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5' });
    expect(mydumperMetadata('hello')).toBeUndefined();
  });

  it('is detected with its databases; an unfinished dump is damaged (a bad backup), a folder without schema files is no backup', async () => {
    const full = await folder('full', PRIMARY, ['app-schema-create.sql', 'app.t-schema.sql', 'app.t.sql', 'mysql-schema-create.sql']);
    const a = await detectArtifact(full);
    expect(a).toMatchObject({ kind: 'mydumper', family: 'mariadb', gtid: '0-1-14', dumpDatabases: ['app', 'mysql'] });
    expect(a.damaged).toBeUndefined();
    expect(a.createdAtFrom).toMatch(/Finished dump at/);
    const cut = await folder('cut', PRIMARY.replace(/^Finished.*$/m, ''), ['app.t-schema.sql']);
    expect((await detectArtifact(cut)).damaged).toMatch(/no "Finished dump at" line/);
    const bare = await folder('bare', PRIMARY, ['notes.txt']);
    await expect(detectArtifact(bare)).rejects.toThrow(/is not a backup: .*no mydumper `metadata` file with `\*-schema.sql` files/);
  });

  it('carries accounts only when it holds the mysql database', () => {
    const state = { gtid: { executed: '0-1-14', replicaPos: '' } } as never;
    expect(notApplicableChecks({ kind: 'mydumper', dumpDatabases: ['app'] }, 'load', state).map((c) => c.check)).toEqual([
      'state-accounts',
    ]);
    expect(notApplicableChecks({ kind: 'mydumper', dumpDatabases: ['app', 'mysql'] }, 'load', state)).toEqual([]);
  });
});

describe('what myloader 0.10.1 cannot carry, named before the restore (F16)', () => {
  const def = (t: string, engine = 'InnoDB', extra = '') =>
    `CREATE TABLE \`${t}\` (\n  \`id\` int(11) NOT NULL\n) ENGINE=${engine}${extra}`;
  const state = {
    tables: {
      'app.plain': { columns: [{ type: 'int(11)' }, { type: 'varchar(10)' }] },
      'app.hosts': { columns: [{ type: 'int(11)' }, { type: 'inet6' }] },
      'app.ids': { columns: [{ type: 'uuid' }] },
      'app.prices': { type: 'SYSTEM VERSIONED', columns: [{ type: 'int(11)' }] },
    },
    objects: {
      'TABLE app.plain': def('plain'),
      'TABLE app.hosts': def('hosts'),
      'TABLE app.ids': def('ids', 'MyISAM'),
      'TABLE app.prices': def('prices', 'InnoDB', ' WITH SYSTEM VERSIONING'),
      'PROCEDURE app.total': 'CREATE PROCEDURE `total`() SELECT 1\n/* sql_mode=NO_ZERO_DATE; character_set_client=utf8mb4 */',
      'EVENT app.nightly': 'CREATE EVENT `nightly` ON SCHEDULE EVERY 1 DAY DO SELECT 1\n/* sql_mode=; time_zone=SYSTEM */',
    },
  };

  it("names the network-typed tables' rows and the versioned table's history; a table without them is judged whole", () => {
    const l = carryLimits({ kind: 'mydumper' }, 'load', state);
    expect(l.map((x) => [x.table, x.notCarried])).toEqual([
      ['app.hosts', 'rows'],
      ['app.ids', 'rows'],
      ['app.prices', 'history'],
    ]);
    expect(describeLimits(l)[0]).toMatch(
      /^limit of the method: myloader 0\.10\.1 loads .*INET6.*: app\.hosts \(InnoDB\), app\.ids \(MyISAM\); their rows are not compared/,
    );
    // a mariadb-dump of the same state carries all of it unless it was made without --dump-history
    expect(carryLimits({ kind: 'dump' }, 'load', state)).toEqual([]);
  });

  it("names the routines' and events' settings, and compares their text without them: a changed body is still a difference", () => {
    const limit = mydumperSettingsLimit(state.objects)!;
    expect(limit.objects).toEqual(['EVENT app.nightly', 'PROCEDURE app.total']);
    expect(describeSettingsLimit(limit)).toEqual([
      expect.stringMatching(/their sql_mode and time_zone and blanks at line ends are not compared, their definitions are/),
    ]);
    expect(limit.notRecreated).toBeUndefined();
    const reloaded = {
      ...state.objects,
      'PROCEDURE app.total': 'CREATE PROCEDURE `total`() SELECT 1\n/* sql_mode=STRICT_TRANS_TABLES; character_set_client=utf8mb4 */',
      'EVENT app.nightly':
        'CREATE EVENT `nightly` ON SCHEDULE EVERY 1 DAY DO SELECT 1\n/* sql_mode=STRICT_TRANS_TABLES; time_zone=+00:00 */',
    };
    expect(compareObjects(state.objects, reloaded).valid).toBe(false); // without the limit: a difference
    expect(compareObjects(...setSettingsAside(state.objects, reloaded, limit)).valid).toBe(true);
    const changed = { ...reloaded, 'PROCEDURE app.total': reloaded['PROCEDURE app.total'].replace('SELECT 1', 'SELECT 2') };
    const c = compareObjects(...setSettingsAside(state.objects, changed, limit));
    expect(c.valid).toBe(false);
    expect(JSON.stringify(c.details)).toContain('procedure-definition-differs');
    // another setting (the character set the body was read in) is still compared
    // blanks mydumper adds at line ends are not a difference; a blank inside a line still is
    const blanks = { ...reloaded, 'PROCEDURE app.total': reloaded['PROCEDURE app.total'].replace('SELECT 1', 'SELECT 1 ') };
    expect(compareObjects(...setSettingsAside(state.objects, blanks, limit)).valid).toBe(true);
    const inside = { ...reloaded, 'PROCEDURE app.total': reloaded['PROCEDURE app.total'].replace('SELECT 1', 'SELECT  1') };
    expect(compareObjects(...setSettingsAside(state.objects, inside, limit)).valid).toBe(false);
    const charset = { ...reloaded, 'PROCEDURE app.total': reloaded['PROCEDURE app.total'].replace('utf8mb4', 'latin1') };
    expect(compareObjects(...setSettingsAside(state.objects, charset, limit)).valid).toBe(false);
    expect(mydumperSettingsLimit({ 'TABLE app.plain': def('plain') })).toBeUndefined();
  });

  it('a routine created under ANSI_QUOTES cannot be re-created: the rest of its file is named ahead, and only a failure of that file is the limit', () => {
    const objects = {
      ...state.objects,
      'FUNCTION app.f':
        'CREATE FUNCTION "f"() RETURNS int RETURN 1\n/* sql_mode=PIPES_AS_CONCAT,ANSI_QUOTES; character_set_client=utf8mb4 */',
      'TRIGGER app.t': 'CREATE TRIGGER t BEFORE INSERT ON plain FOR EACH ROW SET @x = 1\n/* sql_mode=; character_set_client=utf8mb4 */',
      'PROCEDURE shop.p': 'CREATE PROCEDURE `p`() SELECT 1\n/* sql_mode=STRICT_TRANS_TABLES; character_set_client=utf8mb4 */',
    };
    const limit = mydumperSettingsLimit(objects)!;
    // app's routines and events share app-schema-post.sql; its triggers and shop's routine are re-created
    expect(limit.notRecreated!.objects).toEqual(['EVENT app.nightly', 'FUNCTION app.f', 'PROCEDURE app.total']);
    expect(limit.failingDatabases).toEqual(['app']);
    expect(describeSettingsLimit(limit)[1]).toMatch(
      /^limit of the method: .*ANSI_QUOTES.*: EVENT app\.nightly, FUNCTION app\.f, PROCEDURE app\.total; not compared/,
    );
    expect(failsByTheLimit('app-schema-post.sql', limit.failingDatabases)).toBe(true);
    expect(failsByTheLimit('shop-schema-post.sql', limit.failingDatabases)).toBe(false);
    expect(failsByTheLimit('app.orders.sql', limit.failingDatabases)).toBe(false); // a data file: never this limit
    // the objects it names are not compared, present or not; any other object still is
    const [e, a] = setSettingsAside(
      objects,
      { ...objects, 'FUNCTION app.f': undefined as never, 'PROCEDURE app.total': undefined as never },
      limit,
    );
    expect(compareObjects(e, Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined))).valid).toBe(true);
    const [e2, a2] = setSettingsAside(
      objects,
      Object.fromEntries(Object.entries(objects).filter(([k]) => k !== 'PROCEDURE shop.p')),
      limit,
    );
    expect(compareObjects(e2, a2).valid).toBe(false);
  });

  it('takes only the named settings out of a definition', () => {
    expect(withoutSettings('X\n/* sql_mode=A,B; character_set_client=utf8mb4; time_zone=SYSTEM */', ['sql_mode', 'time_zone'])).toBe(
      'X\n/* character_set_client=utf8mb4 */',
    );
    expect(withoutSettings('X\n/* sql_mode=A */', ['sql_mode'])).toBe('X');
    expect(withoutSettings('CREATE TABLE t (a int)', ['sql_mode'])).toBe('CREATE TABLE t (a int)');
  });
});

describe('myloader on this machine', () => {
  it('a missing myloader is an environment problem naming the package', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = join(dir, 'nothing-here');
    try {
      const e = await requireMyloader().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(EnvironmentError);
      expect((e as Error).message).toMatch(/myloader is not installed .*apt-get install mydumper/);
    } finally {
      process.env['PATH'] = path;
    }
  });

  it("finds myloader's own error line", () => {
    const out =
      "** Message: 18:31:21.438: Creating table `app`.`t`\n** (myloader:77): CRITICAL **: 18:31:22.000: Error restoring app.t from file app.t.sql: Duplicate entry '1'\n";
    expect(firstMyloaderError(out)).toMatch(/^\*\* \(myloader:77\): CRITICAL .*Duplicate entry/);
  });

  it('after a load that replaced the grant tables row by row, the PROXY grant is left out of the bootstrap', () => {
    const stmts = [
      { sql: 'CREATE USER IF NOT EXISTS ?@?' },
      { sql: "GRANT PROXY ON ''@'%' TO ?@? WITH GRANT OPTION" },
      { sql: 'GRANT ALL' },
    ];
    expect(grantTablesSql.withoutProxyGrants(stmts).map((s) => s.sql)).toEqual(['CREATE USER IF NOT EXISTS ?@?', 'GRANT ALL']);
  });
});
