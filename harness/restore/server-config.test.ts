import { describe, expect, it } from 'vitest';
import { filterServerConfig } from './server-config.js';

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
