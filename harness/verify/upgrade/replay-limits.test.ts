import { describe, expect, it } from 'vitest';
import type { Finding } from './findings.js';
import { judgeResultChange } from './replay-limits.js';

const MEMORY =
  "a MEMORY table's rows live in the server's memory: a physical copy of the datadir holds its definition only (and a restart empties it too)";
const notCarried = [{ table: 'shop.cache', reason: MEMORY }];
const changed = (sql: string): Finding => ({
  source: 'replay',
  severity: 'blocking',
  kind: 'result',
  where: `corpus.sql: ${sql}`,
  message: 'result changes (1 rows -> 1; as a multiset); first differing row #0: ["3"] -> ["0"]',
});

describe("the query replay's changed result of a statement reading a MEMORY table the method empties is a note (F32)", () => {
  it('a count of the MEMORY table (3 on 10.11, 0 on the physical copy on 11.8) is info naming the table and why', () => {
    for (const [sql, db] of [
      ['SELECT COUNT(*) AS n FROM `shop`.`cache`', undefined],
      ['SELECT COUNT(*) FROM cache', 'shop'],
      ['select o.id from orders o join `cache` c on c.k = o.id', 'shop'],
    ] as const) {
      const f = judgeResultChange(changed(sql), sql, db, notCarried);
      expect(f.severity, sql).toBe('info');
      expect(f.kind).toBe('result-rows-not-carried');
      expect(f.message).toMatch(
        /^not judged: reads shop\.cache, whose rows the method does not carry \(a MEMORY table's rows live .*\); result changes/,
      );
    }
  });

  it('any other changed result stays blocking: an InnoDB table, a name only in a string or comment, another database, another case', () => {
    for (const [sql, db] of [
      ['SELECT COUNT(*) AS n FROM `shop`.`orders`', undefined],
      ["SELECT COUNT(*) FROM orders WHERE note = 'cache' /* from cache */", 'shop'],
      ['SELECT COUNT(*) FROM cache', 'other'],
      ['SELECT COUNT(*) FROM `shop`.`Cache`', undefined],
      ['SELECT cache FROM orders', 'shop'],
    ] as const) {
      const f = judgeResultChange(changed(sql), sql, db, notCarried);
      expect(f, sql).toEqual(changed(sql));
    }
    expect(judgeResultChange(changed('SELECT 1 FROM `shop`.`cache`'), 'SELECT 1 FROM `shop`.`cache`', undefined, [])).toEqual(
      changed('SELECT 1 FROM `shop`.`cache`'),
    );
  });
});
