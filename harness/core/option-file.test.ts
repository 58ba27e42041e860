import { describe, expect, it } from 'vitest';
import { canonicalOption, isServerGroup, optionsOf, parseOptionText, parseSingleOptionFile, variableOf } from './option-file.js';

const opts = (text: string) => optionsOf(parseOptionText(text));

describe('the one option-file parser', () => {
  it('one normalisation: underscores and dashes alike, lower case, loose- a flag of its own', () => {
    const o = opts(
      '[mysqld]\nInnoDB_Buffer_Pool_Size = 64M\nmax-connections=500\nloose_innodb_io_capacity = 400\nloose-max_tmp_tables=32\n',
    );
    expect(o.map((x) => [x.name, x.value, x.loose])).toEqual([
      ['innodb-buffer-pool-size', '64M', false],
      ['max-connections', '500', false],
      ['innodb-io-capacity', '400', true],
      ['max-tmp-tables', '32', true],
    ]);
    expect(o[0]!.raw).toBe('InnoDB_Buffer_Pool_Size');
    expect(o[0]!.text).toBe('InnoDB_Buffer_Pool_Size = 64M');
  });

  it('values: quotes removed, a # outside quotes starts a comment, a bare option has none', () => {
    const o = opts(
      '[mysqld]\nsql_mode = "STRICT_ALL_TABLES"   # trailing comment\ninit_connect=\'SET NAMES utf8mb4\'\nlog_error = /var/log/x.log # where\nwsrep_sst_auth = "u:p#w"\nskip-name-resolve  # no lookups\n; a comment\n# another\n',
    );
    expect(o.map((x) => [x.name, x.value])).toEqual([
      ['sql-mode', 'STRICT_ALL_TABLES'],
      ['init-connect', 'SET NAMES utf8mb4'],
      ['log-error', '/var/log/x.log'],
      ['wsrep-sst-auth', 'u:p#w'],
      ['skip-name-resolve', undefined],
    ]);
  });

  it('groups: any case, lower-cased; each option knows its group and line', () => {
    const o = opts('[MySQLd]\na=1\n[mariadb-10.11]\nb=2\n[client]\nc=3\n');
    expect(o.map((x) => [x.name, x.group, x.line])).toEqual([
      ['a', 'mysqld', 2],
      ['b', 'mariadb-10.11', 4],
      ['c', 'client', 6],
    ]);
  });

  it('server groups: mysqld, server, mariadb, mariadbd, galera and the version-suffixed ones; not client or tools', () => {
    for (const g of ['mysqld', 'server', 'mariadb', 'mariadbd', 'galera', 'mysqld-8.0', 'mariadb-10.11', 'mariadbd-11.8', 'MYSQLD'])
      expect(isServerGroup(g), g).toBe(true);
    for (const g of ['client', 'mysqldump', 'mariabackup', 'mysqld_safe', 'mariadb-client', 'mysql'])
      expect(isServerGroup(g), g).toBe(false);
  });

  it('!include and !includedir are entries with their target, not options', () => {
    const p = parseOptionText('[mysqld]\na=1\n!include /etc/mysql/extra.cnf\n!includedir /etc/mysql/conf.d/\n');
    expect(p.entries.filter((e) => e.kind === 'include').map((e) => (e.kind === 'include' ? [e.directive, e.target, e.line] : []))).toEqual(
      [
        ['!include', '/etc/mysql/extra.cnf', 3],
        ['!includedir', '/etc/mysql/conf.d/', 4],
      ],
    );
    expect(optionsOf(p).map((o) => o.name)).toEqual(['a']);
    expect(p.problems).toEqual([]);
  });

  it('says which lines the server would refuse: an option before any group, a line that is no option', () => {
    expect(parseOptionText('max_connections=1\n[mysqld]\n= 5\n!bogus x\n').problems).toEqual([
      { line: 1, message: 'an option before any [group]: max_connections=1' },
      { line: 3, message: 'not an option line: = 5' },
      { line: 4, message: 'not an option line: !bogus x' },
    ]);
  });

  it('one file copied whole (--server-config): an include or a refused line is bad input naming file and line', () => {
    expect(() => parseSingleOptionFile('[mysqld]\n!includedir /etc/mysql/conf.d\n', 'x.cnf')).toThrow(
      /^--server-config x\.cnf:2: !includedir is not supported/,
    );
    expect(() => parseSingleOptionFile('[mysqld]\na=1\n!include y.cnf\n', 'x.cnf')).toThrow(/x\.cnf:3: !include is not supported/);
    expect(() => parseSingleOptionFile('port=3306\n', 'x.cnf')).toThrow(/x\.cnf:1: an option before any \[group\]/);
    expect(parseSingleOptionFile('[mysqld]\nport=3306\n', 'x.cnf').problems).toEqual([]);
  });

  it('canonical options fold skip-/disable-/enable- into a value, except where skip- is the name', () => {
    expect(canonicalOption('loose_skip_name_resolve', undefined)).toEqual({ name: 'skip-name-resolve', value: 'ON' });
    expect(canonicalOption('skip-slave-start', undefined)).toEqual({ name: 'skip-slave-start', value: 'ON' });
    expect(canonicalOption('disable-log-bin', undefined)).toEqual({ name: 'log-bin', value: 'OFF' });
    expect(canonicalOption('skip_log_slave_updates', undefined)).toEqual({ name: 'log-slave-updates', value: 'OFF' });
    expect(canonicalOption('enable_performance_schema', undefined)).toEqual({ name: 'performance-schema', value: 'ON' });
    expect(canonicalOption('sql_mode', '"ANSI"')).toEqual({ name: 'sql-mode', value: 'ANSI' });
  });

  it('the variable an option sets is written with underscores, its prefixes dropped', () => {
    expect(variableOf('skip-name-resolve')).toBe('name_resolve');
    expect(variableOf('loose-innodb-defragment')).toBe('innodb_defragment');
    expect(variableOf('maximum_max_heap_table_size')).toBe('max_heap_table_size');
    expect(variableOf('query_cache_type')).toBe('query_cache_type');
  });
});
