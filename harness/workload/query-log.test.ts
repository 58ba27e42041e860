import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../runtime/paths.js';
import { isRead, ordersRows, parseGeneralLog, parseQueries, parseSlowLog, splitStatements } from './query-log.js';

const fixture = (f: string) => readFileSync(join(projectRoot, 'fixtures', 'query-logs', f), 'utf8');

describe("query logs in the server's own formats (captured from MariaDB 10.11.18)", () => {
  it('reads the slow log: statements with their schema, SET timestamp and use dropped, multi-line kept', () => {
    const q = parseSlowLog(fixture('mariadb-10.11-slow.log'));
    expect(q.map((x) => [x.db, x.sql])).toEqual([
      ['t1', 'select 1'],
      ['t1', "select a,\n b from x where b = 'it''s;'"],
      ['t1', 'SELECT DATABASE()'],
      ['mysql', 'select count(*) from user'],
      [undefined, 'set global general_log=0'],
    ]);
  });
  it('reads the general log: continuation lines, Init DB and Connect ... on db per connection', () => {
    const q = parseGeneralLog(fixture('mariadb-10.11-general.log'));
    expect(q.map((x) => [x.db, x.sql])).toEqual([
      [undefined, 'set global slow_query_log=1'],
      [undefined, 'create database if not exists t1'],
      [undefined, 'create table if not exists t1.x (a int, b varchar(10))'],
      ['t1', 'select 1'],
      ['t1', "select a,\n b from x where b = 'it''s;'"],
      ['t1', 'SELECT DATABASE()'],
      ['mysql', 'select count(*) from user'],
      [undefined, 'set global general_log=0'],
    ]);
  });
  it('tells the formats apart; a plain file is statements with USE', () => {
    expect(parseQueries(fixture('mariadb-10.11-slow.log'), 's')[0]!.db).toBe('t1');
    expect(parseQueries(fixture('mariadb-10.11-general.log'), 'g')).toHaveLength(8);
    const plain = parseQueries(
      "USE shop;\nSELECT ';' AS x; -- c;\nDELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2",
      'f',
    );
    expect(plain.map((x) => [x.db, x.sql])).toEqual([
      ['shop', "SELECT ';' AS x"],
      ['shop', 'CREATE PROCEDURE p() BEGIN SELECT 1; END'],
      ['shop', 'SELECT 2'],
    ]);
  });
  it('splits on ; outside strings, identifiers and comments', () => {
    expect(splitStatements('select \'a;b\', `c;d` /* ; */ from t; select "x\\";"')).toEqual([
      "select 'a;b', `c;d` /* ; */ from t",
      'select "x\\";"',
    ]);
  });
  it('reads are told from writes; a locking read is not a read', () => {
    expect(isRead('SELECT 1')).toBe(true);
    expect(isRead('  with x as (select 1) select * from x')).toBe(true);
    expect(isRead('SELECT * FROM t FOR UPDATE')).toBe(false);
    expect(isRead('UPDATE t SET a = 1')).toBe(false);
  });
  it('an ORDER BY only at the outermost level orders the result', () => {
    expect(ordersRows('SELECT a FROM t ORDER BY a')).toBe(true);
    expect(ordersRows('SELECT a FROM (SELECT a FROM t ORDER BY a LIMIT 3) x')).toBe(false);
    expect(ordersRows("SELECT 'ORDER BY' FROM t")).toBe(false);
    expect(ordersRows('SELECT group_concat(a ORDER BY a) FROM t')).toBe(false);
  });
});
