import { describe, expect, it } from 'vitest';
import { mariadbGtid, mysqlGtid } from './gtid-algebra.js';

const GTID_ALGEBRA = { mariadb: mariadbGtid, mysql: mysqlGtid };

const U = '3e11fa47-71ca-11e1-9e33-c80aa9429562';

describe('GTID algebra per family', () => {
  it('counts transactions between two positions', () => {
    expect(GTID_ALGEBRA.mariadb.transactionsBetween('0-1-100', '0-1-130')).toBe(30);
    expect(GTID_ALGEBRA.mariadb.transactionsBetween('1-1-10,2-2-5', '1-1-12,2-2-9')).toBe(6);
    expect(GTID_ALGEBRA.mysql.transactionsBetween(`${U}:1-100`, `${U}:1-130`)).toBe(30);
    expect(GTID_ALGEBRA.mysql.transactionsBetween(`${U}:1-10`, `${U}:1-12:20-22`)).toBe(5);
  });
  it('advances a position past one transaction and knows what it contains', () => {
    expect(GTID_ALGEBRA.mariadb.advance('0-1-824,1-5-3', '0-1-825')).toBe('0-1-825,1-5-3');
    expect(GTID_ALGEBRA.mariadb.contains('0-1-824', '0-1-825')).toBe(false);
    expect(GTID_ALGEBRA.mysql.advance(`${U}:1-5`, `${U}:7`)).toBe(`${U}:1-5:7`);
    expect(GTID_ALGEBRA.mysql.contains(`${U}:1-5`, `${U}:6`)).toBe(false);
  });
  it('names differing domains and sources', () => {
    expect(GTID_ALGEBRA.mariadb.differences('0-1-5', '0-1-6')).toEqual([{ source: 'domain 0', expected: '0-1-5', actual: '0-1-6' }]);
    expect(GTID_ALGEBRA.mysql.differences(`${U}:1-5`, `${U}:1-6`)).toEqual([{ source: U, expected: `${U}:1-5`, actual: `${U}:1-6` }]);
  });
});
