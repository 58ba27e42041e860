import { describe, expect, it } from 'vitest';
import type { BinlogTransaction } from '../backup/index.js';
import { mariadbGtid } from '../core/index.js';
import { replayRange, ReplayStopNotFoundError } from './binlog-replay.js';

const tx = (seq: number, at: string, statement = `INSERT INTO t VALUES (${seq})`): BinlogTransaction => ({
  gtid: `0-1-${seq}`,
  file: 'mariadb-bin.000001',
  pos: seq * 100,
  at,
  statements: [statement],
});
const archive = [
  tx(1, '261207 1:00:00'),
  tx(2, '261207 1:00:01'),
  tx(3, '261207 1:00:02'),
  tx(4, '261207 1:00:03', 'DROP TABLE `shop`.`orders`'),
  tx(5, '261207 1:00:04'),
];
const contains = (s: string, g: string) => mariadbGtid.contains(s, g);
const gtids = (xs: readonly BinlogTransaction[]) => xs.map((t) => t.gtid);

describe('replayRange: which transactions a binlog replay applies', () => {
  it('through a GTID: after the backup point, that one included, the next one not', () => {
    const r = replayRange(archive, '0-1-2', { throughGtid: '0-1-4' }, contains);
    expect(gtids(r.after)).toEqual(['0-1-3', '0-1-4', '0-1-5']);
    expect(gtids(r.applied)).toEqual(['0-1-3', '0-1-4']);
    expect(r.stoppedBefore?.gtid).toBe('0-1-5');
  });

  it('before a statement: stops before the DROP; a backup without a position replays from the start', () => {
    const r = replayRange(archive, '', { beforeStatement: /^DROP TABLE/i }, contains);
    expect(gtids(r.applied)).toEqual(['0-1-1', '0-1-2', '0-1-3']);
    expect(r.stoppedBefore?.gtid).toBe('0-1-4');
  });

  it('before a time: the first transaction written at or after it is not applied; a time after all applies all', () => {
    const at = (s: string) => new Date(Date.UTC(2026, 11, 7, 1, 0, Number(s)));
    expect(gtids(replayRange(archive, '0-1-1', { beforeTime: at('02') }, contains).applied)).toEqual(['0-1-2']);
    const all = replayRange(archive, '0-1-1', { beforeTime: at('59') }, contains);
    expect(gtids(all.applied)).toEqual(['0-1-2', '0-1-3', '0-1-4', '0-1-5']);
    expect(all.stoppedBefore).toBeUndefined();
  });

  it('refuses a stop GTID that is not after the backup point, saying whether the backup already holds it', () => {
    expect(() => replayRange(archive, '0-1-3', { throughGtid: '0-1-2' }, contains)).toThrow(/0-1-2 is already in the backup/);
    expect(() => replayRange(archive, '0-1-3', { throughGtid: '0-1-9' }, contains)).toThrow(ReplayStopNotFoundError);
    expect(() => replayRange(archive, '0-1-3', { throughGtid: '0-1-9' }, contains)).toThrow(
      /no such transaction after the backup point 0-1-3/,
    );
  });
});
