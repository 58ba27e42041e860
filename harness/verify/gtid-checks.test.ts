import { describe, expect, it } from 'vitest';
import { mariadbGtid, mysqlGtid } from '../core/index.js';
import { coversEvery, stopsJustBefore, wroteNothingAs } from './gtid.js';

const [mariadb, mysql] = [mariadbGtid, mysqlGtid];
const U = 'bf6f89ba-e640-11f1-9e02-0242ac1a0002';
const T = 'c7c480f7-e640-11f1-93c6-0242ac1a0002';

describe('stopsJustBefore (point-in-time recovery target)', () => {
  it('passes when the node has the last transaction before the DROP and not the DROP', () => {
    expect(stopsJustBefore(mariadb, 'pitr', '0-1-1720', '0-1-1721', '0-1-1720').valid).toBe(true);
    expect(stopsJustBefore(mysql, 'pitr', `${U}:1-1592`, `${U}:1593`, `${U}:1592`).valid).toBe(true);
  });
  it('fails when the replay went past the DROP, or stopped short (the backup alone)', () => {
    const past = stopsJustBefore(mysql, 'pitr', `${U}:1-1594`, `${U}:1593`, `${U}:1592`);
    expect(past.valid).toBe(false);
    expect(JSON.stringify(past.details['differences'])).toContain('went-past-the-target');
    const short = stopsJustBefore(mariadb, 'pitr', '0-1-336', '0-1-1721', '0-1-1720');
    expect(JSON.stringify(short.details['differences'])).toContain('stopped-short-of-the-target');
  });
});

describe("wroteNothingAs (the seed's temporary server id)", () => {
  it("passes when every transaction is another server's", () => {
    expect(wroteNothingAs(mariadb, 'primary', '0-1-1237', '4004').valid).toBe(true);
    expect(wroteNothingAs(mysql, 'primary', `${U}:1-902`, T).valid).toBe(true);
  });
  it('fails, naming the identity, when the node wrote under it', () => {
    const c = wroteNothingAs(mysql, 'primary', `${U}:1-902,${T}:1`, T);
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([expect.objectContaining({ kind: 'events-under-temporary-identity', where: T })]);
    expect(wroteNothingAs(mariadb, 'primary', '0-4004-1', '4004').valid).toBe(false);
  });
});

describe('coversEvery (caught up with every peer)', () => {
  it('names the peer whose transactions are missing', () => {
    const peers = [
      { name: 'replica-1', gtid: `${U}:1-902` },
      { name: 'backup-replica', gtid: `${U}:1-905` },
    ];
    expect(coversEvery(mysql, 'primary', `${U}:1-905`, peers).valid).toBe(true);
    const c = coversEvery(mysql, 'primary', `${U}:1-902`, peers);
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([expect.objectContaining({ kind: 'peer-transactions-missing', where: 'backup-replica' })]);
  });
});

describe('coversEvery respects who wrote a transaction', () => {
  it('fails when the node has the same domain and sequence number written by its temporary server id (divergent history)', () => {
    const c = coversEvery(mariadb, 'seed', '0-4001-600', [{ name: 'replica-1', gtid: '0-1-600' }]);
    expect(c.valid).toBe(false);
    expect(JSON.stringify(c.details['differences'])).toContain('peer-transactions-missing');
    expect(coversEvery(mariadb, 'seed', '0-1-600', [{ name: 'replica-1', gtid: '0-1-600' }]).valid).toBe(true);
  });
});
