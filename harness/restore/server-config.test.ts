import { describe, expect, it } from 'vitest';
import { filterServerConfig, foldingMismatch } from './server-config.js';

describe('filterServerConfig', () => {
  it('keeps the server options, leaves out paths and identity and says why, drops client sections', () => {
    const c = filterServerConfig(
      '[client]\nsocket=/x\n[mysqld]\ndatadir=/data/mysql\nlower_case_table_names = 1\ninnodb_page_size=8k\nserver_id=7\nloose-file-key-management-filename=/etc/keys\n',
    );
    expect(c.kept).toEqual(['lower-case-table-names', 'innodb-page-size', 'file-key-management-filename']);
    expect(c.overridden.map((o) => o.option)).toEqual(['datadir', 'server-id']);
    expect(c.text).toBe('[mysqld]\nlower_case_table_names = 1\ninnodb_page_size=8k\nloose-file-key-management-filename=/etc/keys\n');
  });
  it('one normalisation with the drills: prefixes fold (skip-log-bin is log-bin), tool groups kept, any case', () => {
    const c = filterServerConfig(
      '[MYSQLD]\nskip-log-bin\nloose_skip_networking\nmaximum-innodb-io-capacity=9\n[mariabackup]\nparallel=4\n[mysqldump]\nquick\n',
    );
    expect(c.overridden.map((o) => o.option)).toEqual(['log-bin', 'skip-networking']);
    expect(c.kept).toEqual(['innodb-io-capacity', 'parallel']);
    expect(c.text).toBe('[MYSQLD]\nmaximum-innodb-io-capacity=9\n[mariabackup]\nparallel=4\n');
  });
  it('refuses !include and options outside a section (bad input)', () => {
    expect(() => filterServerConfig('!includedir /etc/mysql/conf.d/\n')).toThrow(/!includedir is not supported/);
    expect(() => filterServerConfig('port=3306\n')).toThrow(/my\.cnf:1: an option before any \[group\]/);
  });
});

describe('lower_case_table_names of the recorded source against the restore server (said before the restore)', () => {
  it('no mismatch when the state records none, or when both say the same', () => {
    expect(foldingMismatch(undefined, undefined)).toBeUndefined();
    expect(foldingMismatch('0', undefined)).toBeUndefined();
    expect(foldingMismatch('1', filterServerConfig('[mysqld]\nlower_case_table_names = 1\n').text)).toBeUndefined();
  });
  it("a source with 1 and a restore server on firedrill's default (0), or the other way round: named, asking for --server-config", () => {
    expect(foldingMismatch('1', undefined)).toMatch(
      /lower_case_table_names=1; the restore server would run with 0 \(firedrill's default\).*--server-config/,
    );
    expect(foldingMismatch('0', filterServerConfig('[mariadb]\nlower-case-table-names=1\n').text)).toMatch(
      /would run with 1 \(--server-config\)/,
    );
    // a [client] group's value is not the server's
    expect(foldingMismatch('1', filterServerConfig('[client]\nlower_case_table_names = 1\n').text)).toMatch(/would run with 0/);
  });
});
