import { describe, expect, it } from 'vitest';
import { check, type CheckResult } from '../verify/index.js';
import type { DatasetPlan } from '../workload/index.js';
import { UsageError } from '../core/index.js';
import { describeLimits } from '../restore/index.js';
import { drillLimits, judgeDrillChecks, refusePathLimits } from './limits.js';
import galeraPartition from '../../scenarios/galera-partition.js';
import replicaKillRestore from '../../scenarios/replica-kill-restore.js';
import snapshotRestore from '../../scenarios/snapshot-restore.js';
import replicaPause from '../../scenarios/replica-pause.js';
import preUpgrade from '../../scenarios/pre-upgrade.js';
import logicalRestore from '../../scenarios/logical-restore.js';
import groupFailover from '../../scenarios/group-replication-primary-failover.js';

// A dump's tables and engines as the dump reader reads them from CREATE TABLE (dump-reader.ts)
const dataset = {
  name: 'shop.sql',
  tables: ['shop.orders', 'shop.cache', 'shop.log'],
  engines: { 'shop.orders': 'InnoDB', 'shop.cache': 'MEMORY', 'shop.log': 'MyISAM' },
} as unknown as DatasetPlan;

describe("a drill names ahead what its physical copy cannot carry of the dataset (F6's drill half)", () => {
  it('a drill with a physical backup (mariabackup) names the MEMORY tables, with the reason, before it starts', () => {
    const l = drillLimits(replicaKillRestore, 'mariadb-10.11', dataset);
    expect(l.map((x) => [x.table, x.engine, x.notCarried])).toEqual([['shop.cache', 'MEMORY', 'rows']]);
    expect(l[0]!.reason).toMatch(/MEMORY table's rows live in the server's memory/);
  });

  it("on MySQL the drill's physical backup is the clone plugin: every non-InnoDB table is named", () => {
    expect(drillLimits(replicaKillRestore, 'mysql-9.7', dataset).map((x) => x.table)).toEqual(['shop.cache', 'shop.log']);
    // a filesystem snapshot is no clone: MEMORY only, on MySQL too
    expect(drillLimits(snapshotRestore, 'mysql-9.7', dataset).map((x) => x.table)).toEqual(['shop.cache']);
  });

  it('a drill that copies no node physically, or a dataset whose engines are not known, names nothing', () => {
    expect(drillLimits(replicaPause, 'mariadb-10.11', dataset)).toEqual([]);
    expect(drillLimits(replicaKillRestore, 'mariadb-10.11', { ...dataset, engines: undefined })).toEqual([]);
  });
});

describe("a drill's data checks judge the rest and list the tables not carried", () => {
  const limits = drillLimits(replicaKillRestore, 'mariadb-10.11', dataset);
  const memoryEmpty = { database: 'shop', object: 'cache', kind: 'rows-differ-no-primary-key', expected: 4, actual: 0 };
  const innodbChanged = { database: 'shop', object: 'orders', kind: 'chunk-differs', where: 'id in (-inf, +inf]' };
  const data = (...d: (typeof memoryEmpty | typeof innodbChanged)[]): CheckResult => check('restored-data-equals-primary', d);

  it("the MEMORY table's missing rows are no failure: set aside, the table listed as not carried with a warning", () => {
    const [c] = judgeDrillChecks([data(memoryEmpty)], limits);
    expect(c!.valid).toBe(true);
    expect(c!.details['differences']).toEqual([]);
    expect(c!.details['notCarried']).toEqual([expect.objectContaining({ table: 'shop.cache', engine: 'MEMORY' })]);
    expect(c!.details['warning']).toMatch(/not carried.*shop\.cache/);
  });

  it('a changed row of an InnoDB table still fails the check, and only it is reported', () => {
    const [c] = judgeDrillChecks([data(memoryEmpty, innodbChanged)], limits);
    expect(c!.valid).toBe(false);
    expect(c!.details['differences']).toEqual([innodbChanged]);
  });

  it('a MEMORY table that is missing altogether is still a difference (its definition is carried); other checks are untouched', () => {
    const missing = { database: 'shop', object: 'cache', kind: 'table-missing' };
    const objects = check('restored-schema-objects-equals-primary', [{ database: 'shop', object: 'cache', kind: 'rows-differ' }]);
    const judged = judgeDrillChecks([check('restored-checksum-table', [missing]), objects], limits);
    expect(judged.map((c) => c.valid)).toEqual([false, false]);
    expect(judged[1]).toEqual(objects);
  });
});

// The covering corpus's kinds (docs/corpus-findings.md F32): a MEMORY table, a FLOAT column, a system-versioned table
const corpus = {
  name: 'corpus.sql',
  tables: ['c.orders', 'c.cache', 'c.numbers', 'c.hist'],
  engines: { 'c.orders': 'InnoDB', 'c.cache': 'MEMORY', 'c.numbers': 'InnoDB', 'c.hist': 'InnoDB' },
  floatTables: ['c.numbers'],
  versionedTables: ['c.hist'],
} as unknown as DatasetPlan;

describe('pre-upgrade names ahead what its methods cannot carry, as the other drills do (F32)', () => {
  const limits = drillLimits(preUpgrade, 'mariadb-10.11', corpus);

  it("names the MEMORY table's rows (physical copy, in-place restart) for every node, FLOAT values and history for the node restored from its dump", () => {
    expect(limits.map((l) => [l.table, l.notCarried, l.nodes ?? '*'])).toEqual([
      ['c.cache', 'rows', '*'],
      ['c.hist', 'history', ['upgraded-logical']],
      ['c.numbers', 'float-precision', ['upgraded-logical']],
    ]);
    expect(describeLimits(limits)).toEqual([
      expect.stringMatching(
        /^limit of the method: a MEMORY table's rows .*: c\.cache \(MEMORY\); their rows are not compared, the rest is judged$/,
      ),
      expect.stringMatching(
        /^limit of the method: the dump was made without --dump-history .*: c\.hist \(InnoDB\); their current rows are compared, not their history/,
      ),
      expect.stringMatching(
        /^limit of the method: a logical dump .* FLOAT .*: c\.numbers \(InnoDB\); their rows are counted, their values not compared/,
      ),
    ]);
    // the logical-restore drill's dump has the same limits, for its restored node; a drill that dumps nothing has none
    expect(drillLimits(logicalRestore, 'mariadb-10.11', corpus).map((l) => [l.table, l.nodes])).toEqual([
      ['c.hist', ['restored']],
      ['c.numbers', ['restored']],
    ]);
    expect(drillLimits(replicaPause, 'mariadb-10.11', corpus)).toEqual([]);
  });

  const diff = (object: string, kind: string, expected?: unknown, actual?: unknown) => ({ database: 'c', object, kind, expected, actual });
  const memoryEmpty = [diff('cache', 'chunk-differs', { rows: '3' }, { rows: '0' }), diff('cache', 'row-missing')];
  const rounded = [diff('numbers', 'chunk-differs', { rows: '5' }, { rows: '5' }), diff('numbers', 'row-differs')];
  const noHistory = diff('hist', 'history-differs', { rowsOnlyOnSource: 6 }, { rowsOnlyOnTarget: 2 });
  const innodbChanged = diff('orders', 'row-differs');

  it("the switchover comparisons set aside the restarted replica's MEMORY rows, the dump's FLOAT values and history on its node", () => {
    const judged = judgeDrillChecks(
      [
        check('after-switchover-primary-equals-replica-1', memoryEmpty),
        check('after-rollback-upgraded-logical-equals-primary', [...rounded, noHistory]),
        check('upgraded-logical-checksum-table', [diff('numbers', 'rows-differ', { rows: '5' }, { rows: '5' }), noHistory]),
      ],
      limits,
    );
    expect(judged.map((c) => [c.name, c.valid, c.details['differences']])).toEqual([
      ['after-switchover-primary-equals-replica-1', true, []],
      ['after-rollback-upgraded-logical-equals-primary', true, []],
      ['upgraded-logical-checksum-table', true, []],
    ]);
    expect(judged[1]!.details['warning']).toMatch(
      /history not carried by the method, current rows compared: c\.hist; FLOAT values rounded by the method, rows counted: c\.numbers/,
    );
  });

  it("an InnoDB table's changed row still fails; so do a FLOAT table's lost row, a versioned table's changed current rows, and FLOAT values on a node not restored from the dump", () => {
    const judged = judgeDrillChecks(
      [
        check('after-switchover-primary-equals-replica-1', [...memoryEmpty, innodbChanged]),
        check('after-rollback-upgraded-logical-equals-primary', [
          diff('numbers', 'row-missing'),
          noHistory,
          diff('hist', 'current-rows-differ', { rowsOnlyOnSource: 1 }, { rowsOnlyOnTarget: 0 }),
        ]),
        check('upgraded-physical-checksum-table', [diff('numbers', 'rows-differ', { rows: '5' }, { rows: '5' })]),
      ],
      limits,
    );
    expect(judged.map((c) => c.valid)).toEqual([false, false, false]);
    expect(judged[0]!.details['differences']).toEqual([innodbChanged]);
    expect((judged[1]!.details['differences'] as Array<{ kind: string }>).map((d) => d.kind)).toEqual([
      'row-missing',
      'current-rows-differ',
    ]);
    expect(judged[2]!.details['differences']).toEqual([diff('numbers', 'rows-differ', { rows: '5' }, { rows: '5' })]);
  });
});

describe('a Galera drill on a dataset whose sequences Galera refuses stops before anything starts (F21)', () => {
  const withSequences = (sequences: DatasetPlan['sequences']) => ({ ...dataset, sequences }) as DatasetPlan;
  it('names each refused sequence, the server error and what to change (bad input, exit 2)', () => {
    const plan = withSequences({ 'shop.s': { increment: 5, cache: 10 }, 'shop.ok': { increment: 1, cache: 0 } });
    expect(() => refusePathLimits(galeraPartition, plan)).toThrow(UsageError);
    expect(() => refusePathLimits(galeraPartition, plan)).toThrow(
      /^dataset shop\.sql: a Galera cluster refuses CREATE SEQUENCE with a CACHE unless INCREMENT BY 0 .*: shop\.s \(INCREMENT BY 5, CACHE 10\); create them NOCACHE/,
    );
  });
  it('a drill that is not Galera, NOCACHE sequences, or a dataset whose sequences are not known pass', () => {
    expect(() => refusePathLimits(replicaPause, withSequences({ 'shop.s': { increment: 5, cache: 10 } }))).not.toThrow();
    expect(() => refusePathLimits(galeraPartition, withSequences({ 'shop.s': { increment: 5, cache: 0 } }))).not.toThrow();
    expect(() => refusePathLimits(galeraPartition, dataset)).not.toThrow();
  });
});

describe('a Group Replication drill on a dataset with tables the group refuses stops before anything starts', () => {
  const plan = (primaryKeys: Record<string, number>, engines: Record<string, string>) =>
    ({ ...dataset, name: 'app.sql', primaryKeys, engines }) as DatasetPlan;
  it('names every table without a PRIMARY KEY and every table not InnoDB, and what to change (bad input, exit 2)', () => {
    const p = plan({ 'app.a': 1, 'app.log': 0, 'app.hits': 0 }, { 'app.a': 'InnoDB', 'app.log': 'InnoDB', 'app.hits': 'MyISAM' });
    expect(() => refusePathLimits(groupFailover, p)).toThrow(UsageError);
    expect(() => refusePathLimits(groupFailover, p)).toThrow(
      'dataset app.sql: MySQL Group Replication refuses writes to tables without a PRIMARY KEY: app.hits, app.log; tables not InnoDB: app.hits (MyISAM); give each',
    );
  });
  it('every table InnoDB with a key passes, and a drill that is not Group Replication is not held to it', () => {
    expect(() => refusePathLimits(groupFailover, plan({ 'app.a': 2 }, { 'app.a': 'innodb' }))).not.toThrow();
    expect(() => refusePathLimits(replicaPause, plan({ 'app.log': 0 }, { 'app.log': 'MyISAM' }))).not.toThrow();
  });
});
