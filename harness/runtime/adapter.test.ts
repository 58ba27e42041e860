import { describe, expect, it } from 'vitest';
import { adapterFor } from './adapter.js';
import { FLAVORS } from '../core/index.js';

const tx = (gtid: string, file: string, pos: number) => ({ gtid, file, pos });

describe('binlog tools per flavor', () => {
  it('streams raw with credentials from an option file only', () => {
    for (const f of Object.values(FLAVORS)) {
      const argv = adapterFor(f).binlog.stream({
        optionFile: '/etc/x.cnf',
        host: 'primary',
        connectionId: 9001,
        dir: '/binlogs',
        firstFile: 'mysql-bin.000001',
      });
      expect(argv[1]).toBe('--defaults-extra-file=/etc/x.cnf'); // must come first to be honoured
      expect(argv).toEqual(expect.arrayContaining(['--raw', '--stop-never', '--read-from-remote-server', '--result-file=/binlogs/']));
      expect(argv.join(' ')).not.toMatch(/password/i);
    }
  });

  it('MariaDB replays by GTID: after the backup point (exclusive) up to the last transaction (inclusive)', () => {
    const argv = adapterFor(FLAVORS['mariadb-11.8']).binlog.replay(
      ['/b/m.000001', '/b/m.000002'],
      {
        after: '0-1-336',
        first: tx('0-1-337', 'm.000001', 700),
        last: tx('0-1-1720', 'm.000002', 10),
        next: tx('0-1-1721', 'm.000002', 99),
      },
      '/w/r.sql',
    );
    expect(argv).toEqual([
      'mariadb-binlog',
      '--start-position=0-1-336',
      '--stop-position=0-1-1720',
      '--result-file=/w/r.sql',
      '/b/m.000001',
      '/b/m.000002',
    ]);
  });

  it('MariaDB 10.5 (no GTID positions in its mariadb-binlog) replays by file and byte position', () => {
    const a = adapterFor(FLAVORS['mariadb-10.5']).binlog;
    const files = ['/b/m.000001', '/b/m.000002', '/b/m.000003', '/b/m.000004'];
    const range = { after: '0-1-336', first: tx('0-1-337', 'm.000002', 700), last: tx('0-1-1720', 'm.000003', 10) };
    // stopping before a transaction: from the first one's file and position to the next one's
    expect(a.replay(files, { ...range, next: tx('0-1-1721', 'm.000003', 1615) }, '/w/r.sql')).toEqual([
      'mariadb-binlog',
      '--start-position=700',
      '--stop-position=1615',
      '--result-file=/w/r.sql',
      '/b/m.000002',
      '/b/m.000003',
    ]);
    // through the end of the archive: every file from the first one's
    expect(a.replay(files, range, '/w/r.sql')).toEqual([
      'mariadb-binlog',
      '--start-position=700',
      '--result-file=/w/r.sql',
      '/b/m.000002',
      '/b/m.000003',
      '/b/m.000004',
    ]);
    expect(() => a.replay(files, { ...range, first: tx('0-1-337', 'm.000009', 4) }, '/w/r.sql')).toThrow(/not among/);
    // the flavors that take GTID positions never pass a byte position to start from
    expect(adapterFor(FLAVORS['mariadb-10.11']).binlog.replay(files, range, '/w/r.sql')).toContain('--start-position=0-1-336');
  });

  it("MySQL replays without the backup's GTIDs and stops at the next transaction's byte position in its file", () => {
    const a = adapterFor(FLAVORS['mysql-9.7']).binlog;
    const files = ['/b/m.000001', '/b/m.000002', '/b/m.000003'];
    const argv = a.replay(
      files,
      { after: 'u:1-336', first: tx('u:337', 'm.000001', 700), last: tx('u:1720', 'm.000002', 10), next: tx('u:1721', 'm.000002', 1615) },
      '/w/r.sql',
    );
    expect(argv).toEqual([
      'mysqlbinlog',
      '--exclude-gtids=u:1-336',
      '--stop-position=1615',
      '--result-file=/w/r.sql',
      '/b/m.000001',
      '/b/m.000002',
    ]);
    expect(() =>
      a.replay(
        files,
        { after: 'u:1', first: tx('u:2', 'm.000009', 1), last: tx('u:2', 'm.000009', 1), next: tx('u:3', 'm.000009', 5) },
        '/w/r.sql',
      ),
    ).toThrow(/not among/);
  });
});

describe('a delayed replica run up to a transaction, per flavor', () => {
  it('MariaDB applies through the last transaction (UNTIL master_gtid_pos is inclusive); MySQL stops before the next', () => {
    const m = adapterFor(FLAVORS['mariadb-10.11']).failover.startUntil('0-1-389', '0-1-390');
    expect(m).toEqual({ sql: 'START SLAVE UNTIL master_gtid_pos = ?', values: ['0-1-389'] });
    const y = adapterFor(FLAVORS['mysql-9.7']).failover.startUntil('u:389', 'u:390');
    expect(y).toEqual({ sql: 'START REPLICA UNTIL SQL_BEFORE_GTIDS = ?', values: ['u:390'] });
  });
});
