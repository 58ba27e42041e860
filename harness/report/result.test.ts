import { describe, expect, it } from 'vitest';
import { rpoOf, rtoOf, unmeasuredRpo, verdictOf } from './result.js';

const phase = (name: string, durationMs: number, recovery: boolean) => ({
  name,
  recovery,
  startMs: 0,
  endMs: durationMs,
  durationMs,
  steps: [],
});
const ok = { name: 'restored-checksum-table', valid: true, details: {} };
const bad = { name: 'restored-ledger', valid: false, details: {} };
const verdict = (lost: number | null, extra: { error?: string; checks?: (typeof ok)[] } = {}, expectsLoss = false) =>
  verdictOf(
    { checks: extra.checks ?? [ok], error: extra.error, rpo: { ...unmeasuredRpo('restored'), lostAcknowledgedWrites: lost } },
    expectsLoss,
  );

describe('RTO, RPO and verdict', () => {
  it('RTO is the sum of the recovery phases, each reported; none without a recovery phase', () => {
    expect(rtoOf([phase('setup', 5000, false), phase('restore', 1200, true), phase('catch-up', 300, true)])).toMatchObject({
      ms: 1500,
      phases: { restore: 1200, 'catch-up': 300 },
    });
    expect(rtoOf([phase('setup', 5000, false)]).ms).toBeNull();
  });

  it('RPO adds the lost writes of every ledger, keeps the longest span, says when a recovery target bounds it', () => {
    const v = (lost: number[], lostSeconds: number) => ({
      lost,
      unexpected: [],
      indeterminatePresent: 1,
      indeterminateAbsent: 0,
      lostSeconds,
    });
    const r = rpoOf('fanin', [v([1, 2], 0.5), v([9], 1.5)]);
    expect(r).toMatchObject({ lostAcknowledgedWrites: 3, seconds: 1.5, node: 'fanin', indeterminate: 2 });
    expect(r.method).not.toMatch(/recovery target/);
    expect(rpoOf('pitr', [v([], 0)], Date.UTC(2026, 0, 1)).method).toMatch(/before the recovery target \(2026-01-01T00:00:00.000Z\)/);
  });

  it('passes only with every check valid, no error and no acknowledged write lost', () => {
    expect(verdict(0)).toBe('pass');
    expect(verdict(1)).toBe('fail');
    expect(verdict(null)).toBe('fail');
    expect(verdict(0, { checks: [ok, bad] })).toBe('fail');
    expect(verdict(0, { checks: [] })).toBe('fail');
    expect(verdict(0, { error: 'restore failed' })).toBe('fail');
  });

  it('a drill that loses data by design passes once the loss is measured', () => {
    expect(verdict(42, {}, true)).toBe('pass');
    expect(verdict(null, {}, true)).toBe('fail');
  });
});
