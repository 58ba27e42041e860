import { describe, expect, it } from 'vitest';
import { check } from './check.js';
import { describePathLimits, galeraLimits, galeraRefusedSequences, judgeNotCarried } from './path-limits.js';

const t = (name: string, engine: string | null, type = 'BASE TABLE') => ({ database: 'shop', name, type, engine });
const tables = [
  t('orders', 'InnoDB'),
  t('log', 'MyISAM'),
  t('aria', 'Aria'),
  t('cache', 'MEMORY'),
  t('seq', 'InnoDB', 'SEQUENCE'),
  t('hist', 'MyISAM', 'SYSTEM VERSIONED'),
];

describe('what Galera does not replicate, named before the comparison', () => {
  it('with the default wsrep_mode every table that is not InnoDB is named (its rows stay on the node that wrote them)', () => {
    const l = galeraLimits(tables, '');
    expect(l.map((x) => x.table)).toEqual(['shop.aria', 'shop.cache', 'shop.hist', 'shop.log']);
    expect(describePathLimits(l)).toEqual([
      expect.stringMatching(/^limit of the path: Galera replicates the rows of InnoDB tables only.*shop\.cache \(MEMORY\)/),
    ]);
  });

  it('wsrep_mode REPLICATE_MYISAM / REPLICATE_ARIA carries those engines; MEMORY never', () => {
    expect(galeraLimits(tables, 'STRICT_REPLICATION,REPLICATE_MYISAM').map((x) => x.table)).toEqual(['shop.aria', 'shop.cache']);
    expect(galeraLimits(tables, 'REPLICATE_MYISAM,REPLICATE_ARIA').map((x) => x.table)).toEqual(['shop.cache']);
  });

  it('the data check judges the rest: a difference in a carried table still fails, one in a table not carried is set aside', () => {
    const limits = galeraLimits(tables, '');
    const inLog = { database: 'shop', object: 'log', kind: 'chunk-differs' };
    const inOrders = { database: 'shop', object: 'orders', kind: 'row-missing' };
    const [onlyLog] = judgeNotCarried([check('data', [inLog])], limits);
    expect([onlyLog!.valid, onlyLog!.details['differenceCount']]).toEqual([true, 0]);
    const [both, accounts] = judgeNotCarried([check('data', [inLog, inOrders]), check('accounts', [inLog])], limits);
    expect([both!.valid, both!.details['differences']]).toEqual([false, [inOrders]]);
    expect(accounts!.valid).toBe(false);
  });

  it('a skipped data check stays a failure, and with nothing named every check is returned as it is', () => {
    const skipped = { ...check('data', []), valid: false, status: 'skipped' as const };
    expect(judgeNotCarried([skipped], galeraLimits(tables, ''))[0]!.valid).toBe(false);
    const c = check('data', [{ database: 'shop', object: 'log', kind: 'chunk-differs' }]);
    expect(judgeNotCarried([c], [])).toEqual([c]);
  });
});

describe('what a Galera cluster refuses to create, read from the dataset before anything starts (F21)', () => {
  it('a sequence with a CACHE and an INCREMENT other than 0 is named with its options; NOCACHE or INCREMENT BY 0 is accepted', () => {
    expect(
      galeraRefusedSequences({
        'shop.s': { increment: 5, cache: 10 },
        'shop.default': { increment: 1, cache: 1000 },
        'shop.nocache': { increment: 1, cache: 0 },
        'shop.auto': { increment: 0, cache: 1000 },
      }),
    ).toEqual(['shop.default (INCREMENT BY 1, CACHE 1000)', 'shop.s (INCREMENT BY 5, CACHE 10)']);
    expect(galeraRefusedSequences({})).toEqual([]);
  });
});
