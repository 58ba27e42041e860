import { describe, expect, it } from 'vitest';
import { lastTested, parseDuration, parseUntil, type HistoryEntry } from './restore-test.js';

describe('restore-test options', () => {
  it('reads durations and refuses others (exit 2)', () => {
    expect(parseDuration('26h')).toBe(26 * 3600_000);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('2d')).toBe(2 * 86_400_000);
    expect(() => parseDuration('26')).toThrow(/bad duration '26'/);
    expect(() => parseDuration('yesterday')).toThrow(/bad duration/);
  });
  it('tells a GTID from a time in --until', () => {
    expect(parseUntil('0-1-42')).toEqual({ gtid: '0-1-42' });
    expect(parseUntil('3e11fa47-71ca-11e1-9e33-c80aa9429562:23')).toEqual({ gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:23' });
    expect(parseUntil('2026-11-29T03:00:00Z')).toEqual({ time: new Date('2026-11-29T03:00:00Z') });
    expect(() => parseUntil('soon')).toThrow(/bad --until 'soon'/);
  });
  it('finds the last passing test of a backup of the same kind from the same folder', () => {
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
    const h = [
      e({ runId: '1' }),
      e({ runId: '2', verdict: 'fail', gtid: '0-1-9' }),
      e({ runId: '3', kind: 'dump' }),
      e({ runId: '4', location: '/other' }),
    ];
    expect(lastTested(h, { location: '/b', kind: 'mariabackup', flavor: 'mariadb-10.11' })?.runId).toBe('1');
    expect(lastTested(h, { location: '/b', kind: 'dump', flavor: 'mariadb-10.11' })?.runId).toBe('3');
    expect(lastTested(h, { location: '/b', kind: 'mariabackup', flavor: 'mariadb-11.8' })).toBeUndefined();
  });
});
