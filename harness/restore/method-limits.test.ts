import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll } from 'vitest';
import { carryLimits, describeLimits, dumpCarriesHistory } from './method-limits.js';
import { withoutNotCarried } from './restore-test-checks.js';

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
    expect(carryLimits({ kind: 'dump', dumpHistory: false }, 'load', state)).toEqual([]);
    expect(carryLimits({ kind: 'mariabackup' }, 'datadir', undefined)).toEqual([]);
    expect(describeLimits([])).toEqual([]);
  });
});

describe('a dump without --dump-history cannot carry system-versioned history (F14)', () => {
  const versioned = { tables: { 'shop.prices': { type: 'SYSTEM VERSIONED' }, 'shop.orders': { type: 'BASE TABLE' } }, objects: {} };
  const dir = mkdtempSync(join(tmpdir(), 'fd-limits-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the versioned tables (their current rows are still compared) when the dump never sets system_versioning_insert_history', () => {
    const l = carryLimits({ kind: 'dump', dumpHistory: false }, 'load', versioned);
    expect(l.map((x) => [x.table, x.notCarried])).toEqual([['shop.prices', 'history']]);
    expect(describeLimits(l)[0]).toMatch(/--dump-history.*shop\.prices.*current rows are compared, not their history/);
    // a dump made with --dump-history, or one that cannot be read, names nothing: the history is compared as recorded
    expect(carryLimits({ kind: 'dump', dumpHistory: true }, 'load', versioned)).toEqual([]);
    expect(carryLimits({ kind: 'dump', dumpHistory: undefined }, 'load', versioned)).toEqual([]);
  });

  it("reads the mark from a plain or gzip dump, also across the stream's chunks; another compression is unknown", async () => {
    // as mariadb-dump --dump-history writes it (MariaDB 10.11.18, measured)
    const withHistory = `${'-- filler\n'.repeat(20_000)}/*M!101100 SET @old_system_versioning_insert_history=@@session.system_versioning_insert_history, @@session.system_versioning_insert_history=1 */;\n`;
    // a whole-server dump without it still names the variable in mysql.help_topic's text
    const without = `${'INSERT INTO `v` VALUES (1,2);\n'.repeat(10_000)}INSERT INTO \`help_topic\` VALUES (1,'system_versioning_insert_history','SET @@session.system_versioning_insert_history=1 lets …');\n`;
    writeFileSync(join(dir, 'h.sql'), withHistory);
    writeFileSync(join(dir, 'n.sql'), without);
    writeFileSync(join(dir, 'h.sql.gz'), gzipSync(withHistory));
    expect(await dumpCarriesHistory(join(dir, 'h.sql'), 'none')).toBe(true);
    expect(await dumpCarriesHistory(join(dir, 'n.sql'), undefined)).toBe(false);
    expect(await dumpCarriesHistory(join(dir, 'h.sql.gz'), 'gzip')).toBe(true);
    expect(await dumpCarriesHistory(join(dir, 'n.sql'), 'zstd')).toBeUndefined();
  });
});

describe('a logical dump rounds FLOAT values (F13)', () => {
  const withFloat = {
    tables: {
      'shop.m': { type: 'BASE TABLE', columns: [{ type: 'int(11)' }, { type: 'float' }] },
      'shop.d': { type: 'BASE TABLE', columns: [{ type: 'double' }, { type: 'float(7,4)' }] },
      'shop.n': { type: 'BASE TABLE', columns: [{ type: 'double' }, { type: 'decimal(10,2)' }] },
    },
    objects: {},
  };

  it("names the tables with a FLOAT column of a dump, MariaDB's and MySQL's alike (their rows are counted, not compared)", () => {
    // measured: mariadb-dump 10.11.18 and mysqldump 9.7.4 both write 16372.1875 as 16372.2
    const l = carryLimits({ kind: 'dump' }, 'load', withFloat);
    expect(l.map((x) => [x.table, x.notCarried])).toEqual([
      ['shop.d', 'float-precision'],
      ['shop.m', 'float-precision'],
    ]);
    expect(describeLimits(l)[0]).toMatch(/6 significant digits.*rows are counted, their values not compared/);
  });

  it('a physical copy carries FLOAT values as they are: nothing named', () => {
    expect(carryLimits({ kind: 'mariabackup' }, 'datadir', withFloat)).toEqual([]);
    expect(carryLimits({ kind: 'mysql-clone' }, 'datadir', withFloat)).toEqual([]);
  });
});

describe("a firedrill artifact's own manifest check and what the method cannot carry", () => {
  const memory = { table: 'app.cache', engine: 'MEMORY', notCarried: 'rows' as const, reason: 'MEMORY rows' };
  const sums = (differences: Array<Record<string, unknown>>) => ({
    name: 'manifest-checksums',
    valid: differences.length === 0,
    details: { differences },
  });

  it('drops the rows of a table named ahead, and says so: the check passes', () => {
    const c = withoutNotCarried(sums([{ database: 'app', object: 'cache', kind: 'rows-differ' }]), [memory]);
    expect(c.valid).toBe(true);
    expect(c.details['notCarried']).toEqual([{ table: 'app.cache', what: 'rows', reason: 'MEMORY rows' }]);
  });

  it('keeps every other difference: a changed InnoDB table still fails the check', () => {
    const c = withoutNotCarried(
      sums([
        { database: 'app', object: 'cache', kind: 'rows-differ' },
        { database: 'app', object: 'orders', kind: 'rows-differ' },
      ]),
      [memory],
    );
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([{ database: 'app', object: 'orders', kind: 'rows-differ' }]);
  });
});
