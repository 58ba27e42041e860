import { describe, expect, it } from 'vitest';
import { mariadbGtid, mysqlGtid } from '../core/index.js';
import type { Queryable } from './check.js';
import { committedGtids } from './committed.js';

const GTID_ALGEBRA = { mariadb: mariadbGtid, mysql: mysqlGtid };

/** A fake server with two binary logs: a gtid_seq_no jump and a second writer in the domain. */
const server: Queryable = {
  name: 'primary',
  async query<T>(s: { sql: string }): Promise<T[]> {
    if (s.sql === 'SHOW BINARY LOGS') return [{ Log_name: 'bin.000001' }, { Log_name: 'bin.000002' }] as T[];
    const events: Record<string, Array<[string, string]>> = {
      "SHOW BINLOG EVENTS IN 'bin.000001'": [
        ['Format_desc', 'Server ver'],
        ['Gtid_list', '[]'],
        ['Gtid', 'BEGIN GTID 0-1-1'],
        ['Query', 'BEGIN'],
        ['Xid', 'COMMIT'],
        ['Gtid', 'GTID 0-1-2'],
        ['Rotate', 'bin.000002;pos=4'],
      ],
      "SHOW BINLOG EVENTS IN 'bin.000002'": [
        ['Gtid_list', '[0-1-2]'],
        ['Gtid', 'BEGIN GTID 0-1-3'],
        ['Gtid', 'BEGIN GTID 0-1-50'],
        ['Gtid', 'BEGIN GTID 0-7-51'],
      ],
    };
    return (events[s.sql] ?? []).map(([Event_type, Info]) => ({ Event_type, Info })) as T[];
  },
};

describe('committedGtids', () => {
  it('lists every transaction of every binary log, in order', async () => {
    expect(await committedGtids(server)).toEqual(['0-1-1', '0-1-2', '0-1-3', '0-1-50', '0-7-51']);
  });
  it('gives the exact count after a backup point where sequence-number arithmetic would not (49 vs 3)', async () => {
    const committed = await committedGtids(server);
    expect(GTID_ALGEBRA.mariadb.transactionsBetween('0-1-2', '0-7-51', committed)).toBe(3);
  });
});
