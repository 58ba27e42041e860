import { describe, expect, it } from 'vitest';
import { parseBinlogInfo, parseSlaveInfo } from './mariabackup.js';

describe('mariabackup info files', () => {
  it('reads the replica position from the slave-info file', () => {
    expect(parseSlaveInfo("SET GLOBAL gtid_slave_pos = '0-1-1234';\nCHANGE MASTER TO master_use_gtid = slave_pos\n")).toBe('0-1-1234');
    expect(parseSlaveInfo("SET GLOBAL gtid_slave_pos = '';")).toBe('');
    expect(parseSlaveInfo('CHANGE MASTER TO MASTER_LOG_FILE=...')).toBeUndefined();
  });
  it('reads binlog file, position and (when present) GTID', () => {
    expect(parseBinlogInfo('mysql-bin.000002\t3456\t0-3-99\n')).toEqual({ file: 'mysql-bin.000002', pos: 3456, gtid: '0-3-99' });
    expect(parseBinlogInfo('mysql-bin.000002\t3456\n')).toEqual({ file: 'mysql-bin.000002', pos: 3456 });
    expect(parseBinlogInfo('')).toBeUndefined();
  });
});
