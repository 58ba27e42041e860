import { describe, expect, it } from 'vitest';
import { lastTested, restoreTrend, type HistoryEntry } from './restore-history.js';

const e = (o: Partial<HistoryEntry>): HistoryEntry => ({
  runId: 'r',
  location: '/b',
  kind: 'mariabackup',
  artifact: '/b/x',
  flavor: 'mariadb-10.11',
  verdict: 'pass',
  gtid: '0-1-5',
  testedAt: 't',
  ...o,
});
const at = { location: '/b', kind: 'mariabackup', flavor: 'mariadb-10.11' };

describe('restore-test history', () => {
  it('finds the last passing test of a backup of the same kind from the same folder', () => {
    const h = [
      e({ runId: '1' }),
      e({ runId: '2', verdict: 'fail', gtid: '0-1-9' }),
      e({ runId: '3', kind: 'dump' }),
      e({ runId: '4', location: '/other' }),
    ];
    expect(lastTested(h, at)?.runId).toBe('1');
    expect(lastTested(h, { ...at, kind: 'dump' })?.runId).toBe('3');
    expect(lastTested(h, { ...at, flavor: 'mariadb-11.8' })).toBeUndefined();
  });

  it("keeps the restore time of each night's test of the same kind from the same place as a trend, oldest first", () => {
    const h = [
      e({ testedAt: 'n1', restoreMs: 1000 }),
      e({ testedAt: 'n2', restoreMs: 1200, kind: 'dump' }),
      e({ testedAt: 'n3' }), // stopped before the restore: no time
      e({ testedAt: 'n4', restoreMs: 1500, verdict: 'fail' }),
      e({ testedAt: 'n5', restoreMs: 900, location: '/other' }),
      e({ testedAt: 'n6', restoreMs: 2100 }),
    ];
    expect(restoreTrend(h, at)).toEqual([
      { testedAt: 'n1', restoreMs: 1000, verdict: 'pass' },
      { testedAt: 'n4', restoreMs: 1500, verdict: 'fail' },
      { testedAt: 'n6', restoreMs: 2100, verdict: 'pass' },
    ]);
    expect(restoreTrend(h, at, 2).map((x) => x.testedAt)).toEqual(['n4', 'n6']);
    expect(restoreTrend(h, { ...at, flavor: 'mysql-9.7' })).toEqual([]);
  });
});
