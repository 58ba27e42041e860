// verify without blind spots, on two real MariaDB 10.11 servers (one pair for every check: a few minutes in all).
// Each section first shows the check passing on equal content (the positive control), then failing on the
// corruption it exists to catch, named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDefinition, openTopologyContext, RunContext, type StartedNode } from '../../harness/runtime/index.js';
import {
  checksumOf,
  checksumsEqual,
  compareAccounts,
  compareData,
  compareObjects,
  compareServers,
  schemaObjects,
  takeSnapshot,
  UnknownDatabaseError,
  type Difference,
} from '../../harness/verify/index.js';
import { quiet } from './helpers.js';

let run: RunContext;
let a: StartedNode;
let b: StartedNode;
let harness: string[];

const sql = (n: StartedNode, ...stmts: string[]) =>
  stmts.reduce((p, s) => p.then(() => n.query({ sql: s })), Promise.resolve([] as unknown[]));
const both = (...stmts: string[]) => Promise.all([sql(a, ...stmts), sql(b, ...stmts)]);
const diffsOf = (c: { details: Record<string, unknown> }) => (c.details['differences'] as Difference[]) ?? [];

beforeAll(async () => {
  run = new RunContext();
  const ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  [a, b] = (await Promise.all([1, 2].map((i) => new NodeDefinition(ctx, { name: `vb-${i}`, server: { serverId: i } }).start()))) as [
    StartedNode,
    StartedNode,
  ];
  harness = [ctx.creds.admin, ctx.creds.repl];
  await both(
    'CREATE DATABASE vb',
    // Generated columns (VIRTUAL and PERSISTENT), MyISAM, Aria, a partitioned table, floats, a large value.
    "CREATE TABLE vb.gen (id INT PRIMARY KEY, a VARCHAR(20), v VARCHAR(40) AS (CONCAT(a, '-v')) VIRTUAL, p INT AS (id * 2) PERSISTENT) ENGINE=InnoDB",
    "INSERT INTO vb.gen (id, a) VALUES (1, 'x'), (2, NULL), (3, 'zz')",
    'CREATE TABLE vb.mi (id INT PRIMARY KEY, t TEXT) ENGINE=MyISAM',
    "INSERT INTO vb.mi VALUES (1, 'one'), (2, 'two'), (3, 'three')",
    'CREATE TABLE vb.ar (id INT PRIMARY KEY, t VARCHAR(10)) ENGINE=Aria',
    "INSERT INTO vb.ar VALUES (1, 'one'), (2, 'two')",
    'CREATE TABLE vb.part (id INT NOT NULL, k INT, PRIMARY KEY (id)) PARTITION BY HASH (id) PARTITIONS 4',
    'INSERT INTO vb.part SELECT seq, seq * 7 FROM vb.seq_1_to_200',
    'CREATE TABLE vb.fl (id INT PRIMARY KEY, f FLOAT, d DOUBLE)',
    'INSERT INTO vb.fl VALUES (1, 1.0000001, 0.1), (2, 3.5, 0.10000000000000002)',
    'CREATE TABLE vb.big (id INT PRIMARY KEY, b LONGBLOB)',
    // 9 MiB: its hex form (18 MiB) is past max_allowed_packet (16 MiB).
    "INSERT INTO vb.big VALUES (1, REPEAT('a', 9437184))",
    'CREATE SEQUENCE vb.seq START WITH 100 INCREMENT BY 5',
    'CREATE TABLE vb.hist (id INT PRIMARY KEY, amount INT) WITH SYSTEM VERSIONING',
    // History at the same instants on both (a replica or a restore keeps the source's; two servers do not).
    'SET timestamp = 1700000000',
    'INSERT INTO vb.hist VALUES (1, 10), (2, 20)',
    'SET timestamp = 1700000100',
    'UPDATE vb.hist SET amount = 21 WHERE id = 2',
    'SET timestamp = DEFAULT',
    "CREATE USER 'app'@'%' IDENTIFIED BY 'app-secret'",
    'CREATE ROLE reader',
    'GRANT SELECT ON vb.* TO reader',
    "GRANT reader TO 'app'@'%'",
  );
  // The same rows in a table converted to another engine: CHECKSUM TABLE differs, the rows do not.
  await sql(a, 'CREATE TABLE vb.eng (id INT PRIMARY KEY, a VARCHAR(20), v VARCHAR(40) AS (UPPER(a)) VIRTUAL) ENGINE=MyISAM');
  await sql(b, 'CREATE TABLE vb.eng (id INT PRIMARY KEY, a VARCHAR(20), v VARCHAR(40) AS (UPPER(a)) VIRTUAL) ENGINE=InnoDB');
  await both("INSERT INTO vb.eng (id, a) VALUES (1, 'x'), (2, NULL), (3, 'y')");
  // The same procedure text, created under different sql_modes (it behaves differently).
  await sql(a, "SET SESSION sql_mode = 'STRICT_TRANS_TABLES'", 'CREATE PROCEDURE vb.addone(INOUT x TINYINT) SET x = x + 1');
  await sql(b, "SET SESSION sql_mode = ''", 'CREATE PROCEDURE vb.addone(INOUT x TINYINT) SET x = x + 1');
}, 300_000);
afterAll(async () => {
  await run?.teardown();
});

describe('verify on equal rows', () => {
  it('reads "equal" for equal rows whose CHECKSUM TABLE values differ, live and from snapshots', async () => {
    const [ca, cb] = await Promise.all([checksumOf(a, 'vb', 'eng'), checksumOf(b, 'vb', 'eng')]);
    expect(ca).not.toBe(cb); // the precondition: the checksums really differ
    const data = await compareData(a, b, { databases: ['vb'] });
    expect(diffsOf(data)).toEqual([]);
    expect(data.valid).toBe(true);
    expect(data.details['checksumMismatchesRefutedByRows']).toEqual(['vb.eng']);
    const snaps = checksumsEqual(await takeSnapshot(a, ['vb']), await takeSnapshot(b, ['vb']));
    expect(diffsOf(snaps)).toEqual([]);
    expect(snaps.details['checksumMismatchesRefutedByRows']).toEqual(['vb.eng']);
  });

  it('with the rows deciding on every table (--full-rows), MyISAM, Aria, partitioned and generated-column tables read equal', async () => {
    const data = await compareData(a, b, { databases: ['vb'], rows: 'always' });
    expect(diffsOf(data)).toEqual([]);
    expect((data.details['settledBy'] as Record<string, number>)['rows']).toBeGreaterThanOrEqual(7);
  });

  it('compares accounts, roles and grants (equal here), and routines with the sql_mode they were created under', async () => {
    expect((await compareAccounts(a, b, harness)).valid).toBe(true);
    const objects = compareObjects(await schemaObjects(a, ['vb']), await schemaObjects(b, ['vb']));
    expect(diffsOf(objects)).toEqual([
      expect.objectContaining({
        object: 'addone',
        kind: 'procedure-definition-differs',
        expected: expect.stringContaining('sql_mode=STRICT_TRANS_TABLES'),
        actual: expect.stringContaining('sql_mode=;'),
      }),
      expect.objectContaining({
        object: 'eng',
        kind: 'table-definition-differs',
        expected: expect.stringContaining('ENGINE=MyISAM'),
        actual: expect.stringContaining('ENGINE=InnoDB'),
      }),
    ]);
  });

  it('refuses --databases naming a database on neither side, and reports one present on one side only', async () => {
    await expect(compareServers(a, b, { databases: ['vb_typo'] })).rejects.toBeInstanceOf(UnknownDatabaseError);
    await sql(b, 'CREATE DATABASE only_on_b');
    const data = await compareData(a, b);
    expect(diffsOf(data)).toContainEqual(expect.objectContaining({ database: 'only_on_b', kind: 'database-unexpected' }));
    const named = await compareData(a, b, { databases: ['vb', 'only_on_b'] });
    expect(diffsOf(named)).toContainEqual(expect.objectContaining({ database: 'only_on_b', kind: 'database-unexpected' }));
    await sql(b, 'DROP DATABASE only_on_b');
  });
});

describe('verify names each corruption', () => {
  beforeAll(async () => {
    await sql(
      b,
      "UPDATE vb.mi SET t = 'TWO' WHERE id = 2",
      "UPDATE vb.ar SET t = 'ONE' WHERE id = 1",
      'UPDATE vb.part SET k = 0 WHERE id = 77',
      "UPDATE vb.gen SET a = 'y' WHERE id = 1",
      'UPDATE vb.fl SET f = 1.0000002 WHERE id = 1', // the same text ("1") as 1.0000001 once rendered as FLOAT
      "UPDATE vb.big SET b = INSERT(b, 4000000, 1, 'b') WHERE id = 1",
      'SELECT NEXTVAL(vb.seq)',
      // The current rows end up equal; the history does not.
      'SET timestamp = 1700000200',
      'UPDATE vb.hist SET amount = 11 WHERE id = 1',
      'SET timestamp = 1700000300',
      'UPDATE vb.hist SET amount = 10 WHERE id = 1',
      'SET timestamp = DEFAULT',
      "GRANT INSERT ON vb.* TO 'app'@'%'",
    );
  }, 120_000);

  it('names the changed row of MyISAM, Aria, partitioned, generated-column, float and 9 MiB tables, the sequence state and the history', async () => {
    const data = await compareData(a, b, { databases: ['vb'] });
    const d = diffsOf(data);
    for (const [object, where] of [
      ['mi', 'id=2'],
      ['ar', 'id=1'],
      ['part', 'id=77'],
      ['gen', 'id=1'],
      ['fl', 'id=1'],
      ['big', 'id=1'],
    ]) {
      expect(d).toContainEqual({ database: 'vb', object, kind: 'row-differs', where });
    }
    expect(d).toContainEqual(expect.objectContaining({ object: 'seq', kind: 'sequence-state-differs' }));
    expect(d).toContainEqual(expect.objectContaining({ object: 'hist', kind: 'history-differs' }));
    expect(d.filter((x) => x.object === 'eng')).toEqual([]);
    // The same from snapshots (a drill's verification against its pre-backup snapshot).
    const snaps = diffsOf(checksumsEqual(await takeSnapshot(a, ['vb']), await takeSnapshot(b, ['vb'])));
    expect(snaps.map((x) => `${x.object} ${x.kind}`).sort()).toEqual([
      'ar rows-differ',
      'big rows-differ',
      'fl rows-differ',
      'gen rows-differ',
      'hist history-differs',
      'mi rows-differ',
      'part rows-differ',
      'seq sequence-state-differs',
    ]);
  });

  it('names the changed grant without printing a password hash', async () => {
    const c = await compareAccounts(a, b, harness);
    expect(diffsOf(c)).toEqual([
      expect.objectContaining({ object: 'app@%', kind: 'grants-differ', actual: ['GRANT INSERT ON `vb`.* TO `app`@`%`'] }),
    ]);
    await sql(b, "ALTER USER 'app'@'%' IDENTIFIED BY 'another-secret'");
    const pw = await compareAccounts(a, b, harness);
    expect(diffsOf(pw).map((x) => x.kind)).toContain('account-definition-differs');
    expect(JSON.stringify(pw)).not.toMatch(/\*[0-9A-F]{40}/);
  });
});
