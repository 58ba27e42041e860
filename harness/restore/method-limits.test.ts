import { describe, expect, it } from 'vitest';
import { carryLimits, describeLimits } from './method-limits.js';

// A recorded state's tables and their SHOW CREATE TABLE text, as `firedrill snapshot` records them.
const table = (engine: string) =>
  `CREATE TABLE \`t\` (\n  \`id\` int(11) NOT NULL,\n  PRIMARY KEY (\`id\`)\n) ENGINE=${engine} DEFAULT CHARSET=utf8mb4`;
const state = {
  tables: { 'shop.orders': {}, 'shop.cache': {}, 'shop.log': {}, 'shop.ελληνικά': {} } as never,
  objects: {
    'TABLE shop.orders': table('InnoDB'),
    'TABLE shop.cache': table('MEMORY'),
    'TABLE shop.log': table('MyISAM'),
    'TABLE shop.ελληνικά': table('Aria'),
  },
};

describe('limits of a backup method, named before the restore (F6, F12)', () => {
  it("a physical copy (mariabackup, a datadir) cannot carry a MEMORY table's rows; every other table is judged", () => {
    const l = carryLimits({ kind: 'mariabackup' }, 'datadir', state);
    expect(l.map((x) => [x.table, x.engine])).toEqual([['shop.cache', 'MEMORY']]);
    expect(describeLimits(l)).toEqual([expect.stringMatching(/^limit of the method: a MEMORY table's rows .*shop\.cache \(MEMORY\)/)]);
  });

  it("the clone plugin copies InnoDB only: every other engine is named, for a clone made outside firedrill and for firedrill's own", () => {
    for (const a of [{ kind: 'mysql-clone' as const }, { kind: 'firedrill-artifact' as const, method: 'clone' }]) {
      expect(carryLimits(a, 'datadir', state).map((x) => x.table)).toEqual(['shop.cache', 'shop.log', 'shop.ελληνικά']);
    }
  });

  it('a dump carries every row (nothing named), and without a recorded state nothing is known', () => {
    expect(carryLimits({ kind: 'dump' }, 'load', state)).toEqual([]);
    expect(carryLimits({ kind: 'mariabackup' }, 'datadir', undefined)).toEqual([]);
    expect(describeLimits([])).toEqual([]);
  });
});
