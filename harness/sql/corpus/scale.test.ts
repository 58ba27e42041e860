import { describe, expect, it } from 'vitest';
import {
  INNODB_MAX_ROW_SIZE,
  largestStatementBytes,
  manyTableName,
  renderScaleDump,
  SCALE_DEFAULTS,
  scaleRowMutation,
  wideRowSize,
} from './scale.js';

const small = { ...SCALE_DEFAULTS, tables: 12, wideTables: 2, wideRows: 2, blobBytes: 1000 };
const text = (s: typeof small) => [...renderScaleDump(s)].join('');

describe('the corpus at size', () => {
  it('has 10,000 tables by default, named so that they sort as numbers, and the same seed gives the same dump', () => {
    expect(SCALE_DEFAULTS.tables).toBe(10_000);
    expect(manyTableName(9_999)).toBe('t09999');
    expect([manyTableName(2), manyTableName(10), manyTableName(10_000)].sort()).toEqual(['t00002', 't00010', 't10000']);
    expect(text(small)).toBe(text(small));
    expect(text({ ...small, seed: 2 })).not.toBe(text(small));
    const dump = text(small);
    expect(dump.match(/^CREATE TABLE `t\d{5}`/gm)).toHaveLength(12);
    expect(dump.match(/^INSERT INTO `t\d{5}` VALUES \(1,'v\d+',\d+\),\(2,/gm)).toHaveLength(12);
  });

  it('wide tables: hundreds of columns, a declared row just under InnoDB 65,535-byte limit, every value filled', () => {
    expect(SCALE_DEFAULTS.wideColumns).toBeGreaterThanOrEqual(200);
    const size = wideRowSize({ ...SCALE_DEFAULTS, blobBytes: 20 << 20 });
    expect(size).toBeLessThan(INNODB_MAX_ROW_SIZE);
    expect(size).toBeGreaterThan(0.95 * INNODB_MAX_ROW_SIZE);
    const dump = text(small);
    const create = /CREATE TABLE `wide_1` \(([\s\S]*?)\) ENGINE=InnoDB ROW_FORMAT=DYNAMIC;/.exec(dump)![1]!;
    expect(create.match(/VARCHAR\(256\) CHARACTER SET latin1 NOT NULL/g)).toHaveLength(SCALE_DEFAULTS.wideColumns);
    expect(dump).toMatch(/'[a-z]{256}'/);
  });

  it("the first row of each wide table carries a BLOB of the given size (past the client's packet: it needs max_allowed_packet raised)", () => {
    const dump = text(small);
    const blobs = dump.match(/X'[0-9a-f]+'\);/g) ?? [];
    expect(blobs).toHaveLength(2);
    for (const b of blobs) expect(b.length).toBe(2 * 1000 + 5);
    expect(dump.match(/,NULL\);/g)).toHaveLength(2);
    expect(largestStatementBytes({ ...SCALE_DEFAULTS, blobBytes: 20 << 20 })).toBeGreaterThan(16 << 20);
    expect(text({ ...small, blobBytes: 0 })).not.toMatch(/LONGBLOB/);
  });

  it("one changed row in table 9,999 of 10,000: the statement changes a value of that table's first row", () => {
    const m = scaleRowMutation(SCALE_DEFAULTS);
    expect(m.table).toBe('t09999');
    expect(m.sql).toBe('UPDATE `many_tables`.`t09999` SET `n` = `n` + 1 WHERE `id` = 1');
  });
});
