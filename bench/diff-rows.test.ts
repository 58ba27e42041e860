import { describe, expect, it } from 'vitest';
import { differingKeys, keysInSyncPrint } from './diff-rows.js';

describe('the differing-row bench', () => {
  it('spreads the differing keys over the whole table, or clusters them as neighbours', () => {
    const spread = differingKeys(1000, 'spread', 4);
    expect(spread).toEqual([126, 376, 626, 876]);
    const clustered = differingKeys(1000, 'clustered', 4);
    expect(clustered).toEqual([333, 334, 335, 336]);
  });

  it("reads the bulk table's keys from pt-table-sync --print, whatever statement names them", () => {
    const out = [
      "UPDATE `firedrill_bulk`.`filler` SET `k`='7', `c`='x', `pad`='y' WHERE `id`='42' LIMIT 1 /*percona-toolkit src_db:firedrill_bulk*/;",
      "REPLACE INTO `firedrill_bulk`.`filler`(`id`, `k`, `c`, `pad`) VALUES ('7', '1', 'a', 'b') /*percona-toolkit*/;",
      "DELETE FROM `firedrill_bulk`.`filler` WHERE `id`='1001' LIMIT 1 /*percona-toolkit*/;",
      "UPDATE `sakila`.`actor` SET `first_name`='A' WHERE `actor_id`='3' LIMIT 1;",
      '# a comment line',
    ].join('\n');
    expect(keysInSyncPrint(out)).toEqual([7, 42, 1001]);
    expect(keysInSyncPrint('')).toEqual([]);
  });
});
