import { describe, expect, it } from 'vitest';
import { inSeries, judgeMemberVersions, judgeUpgradeNotReplicated } from './rolling-upgrade-checks.js';

const v105 = '10.5.23-MariaDB-0+deb11u1';
const v1011 = '10.11.18-MariaDB-0+deb12u1';

describe('judgeMemberVersions (a rolling upgrade, member by member)', () => {
  it('passes a mixed cluster when each member runs the series expected of it', () => {
    const c = judgeMemberVersions(
      'mixed',
      [
        { node: 'galera-1', version: v105 },
        { node: 'galera-3', version: v1011 },
      ],
      { 'galera-1': '10.5', 'galera-3': '10.11' },
    );
    expect(c.valid).toBe(true);
    expect(c.details['versions']).toEqual({ 'galera-1': v105, 'galera-3': v1011 });
  });

  it('fails naming the member still on the old version when it should be upgraded', () => {
    const c = judgeMemberVersions(
      'all-new',
      [
        { node: 'galera-1', version: v105 },
        { node: 'galera-2', version: v1011 },
      ],
      { 'galera-1': '10.11', 'galera-2': '10.11' },
    );
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([
      { database: '*', object: 'galera-1', kind: 'unexpected-version', expected: '10.11', actual: v105 },
    ]);
  });

  it('fails for a member that did not answer, and for one not expected', () => {
    const c = judgeMemberVersions(
      'x',
      [
        { node: 'galera-1', error: 'connect ECONNREFUSED' },
        { node: 'galera-9', version: v1011 },
      ],
      { 'galera-1': '10.11' },
    );
    expect((c.details['differences'] as Array<{ kind: string }>).map((d) => d.kind)).toEqual(['version-not-read', 'unexpected-member']);
  });

  it('tells 10.1 from 10.11 (a series is a prefix up to its dot)', () => {
    expect(inSeries(v1011, '10.1')).toBe(false);
    expect(inSeries(v1011, '10.11')).toBe(true);
  });
});

describe('judgeUpgradeNotReplicated (mariadb-upgrade on a Galera member)', () => {
  it('passes when the member replicated nothing while the tool ran', () => {
    expect(judgeUpgradeNotReplicated('c', 'galera-3', 0, 0, ['mariadb-upgrade', '--skip-write-binlog']).valid).toBe(true);
  });
  it('fails with the number of writesets the upgrade sent to the old members', () => {
    const c = judgeUpgradeNotReplicated('c', 'galera-3', 2, 9, ['mariadb-upgrade']);
    expect(c.valid).toBe(false);
    expect(c.details['differences']).toEqual([
      { database: '*', object: 'galera-3', kind: 'upgrade-replicated-writesets', expected: 0, actual: 7 },
    ]);
  });
});
