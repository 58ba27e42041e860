import { describe, expect, it } from 'vitest';
import { dumpPosition } from './dump-position.js';

const U = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const U2 = 'a9ae3d35-0f5e-11ee-8c3b-0242ac110002';

describe('dumpPosition (the position a dump carries in its own text)', () => {
  it("reads mariadb-dump --gtid --dump-slave=2's commented line", () => {
    const head =
      "-- MariaDB dump 10.19\n--\n-- GTID position to start replication from\n--\n\n-- SET GLOBAL gtid_slave_pos='0-1-1234';\n\nCREATE DATABASE x;\n";
    expect(dumpPosition(head)).toEqual({ gtid: '0-1-1234', form: 'gtid_slave_pos', commented: true });
    expect(dumpPosition("SET GLOBAL gtid_slave_pos='0-1-5,1-2-7';")).toEqual({
      gtid: '0-1-5,1-2-7',
      form: 'gtid_slave_pos',
      commented: false,
    });
  });
  it("reads mysqldump --set-gtid-purged=ON's statement, over several lines", () => {
    const head = `SET @@SESSION.SQL_LOG_BIN= 0;\n\n--\n-- GTID state at the beginning of the backup \n--\n\nSET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '${U}:1-100,\n${U2}:1-3';\n`;
    expect(dumpPosition(head)).toEqual({ gtid: `${U}:1-100,${U2}:1-3`, form: 'GTID_PURGED', commented: false });
  });
  it('finds nothing in a dump without a position (e.g. taken without --gtid)', () => {
    expect(dumpPosition('-- MariaDB dump\nCREATE TABLE t (a int);\n')).toBeUndefined();
    expect(dumpPosition("INSERT INTO t VALUES ('SET GLOBAL gtid_slave_pos=''0-1-5'';')")).toBeUndefined();
  });
});
