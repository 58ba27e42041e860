import { describe, expect, it } from 'vitest';
import { check, type CheckResult } from '../verify/index.js';
import type { DatasetPlan } from '../workload/index.js';
import { UsageError } from '../core/index.js';
import { drillLimits, judgeDrillChecks, refusePathLimits } from './limits.js';
import galeraPartition from '../../scenarios/galera-partition.js';
import replicaKillRestore from '../../scenarios/replica-kill-restore.js';
import snapshotRestore from '../../scenarios/snapshot-restore.js';
import replicaPause from '../../scenarios/replica-pause.js';

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
