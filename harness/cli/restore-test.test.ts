import { describe, expect, it } from 'vitest';
import { ExecError, WaitTimeoutError } from '../exec/index.js';
import { exitCodeOfCause } from '../report/index.js';
import type { RestoreTestOutcome } from '../restore/restore-test.js';
import { parseDuration } from './options.js';
import { parseUntil, toResult } from './restore-test.js';

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
});

describe('restore-test outcomes: a bad backup pages the backup owner (1), anything else the job owner (2)', () => {
  const p = { runId: 'r1', flavor: 'mariadb-10.11' as const, started: Date.now(), artifact: '/b/full', teardownFailures: [] };
  const outcome = (o: Partial<RestoreTestOutcome> = {}): RestoreTestOutcome => ({
    artifact: { kind: 'mariabackup', path: '/b/full', description: 'a prepared mariabackup directory' } as RestoreTestOutcome['artifact'],
    checks: [
      { name: 'backup-restores', valid: true, details: {} },
      { name: 'check-table', valid: true, details: {} },
    ],
    phases: [],
    observations: {},
    ...o,
  });
  const judged = (o: RestoreTestOutcome | undefined, stoppedBy?: unknown, teardownFailures: string[] = []) => {
    const r = toResult(o, stoppedBy, { ...p, teardownFailures });
    return { verdict: r.verdict, cause: r.cause, code: exitCodeOfCause(r.cause) };
  };

  it('a backup that restores and checks clean: pass, no cause, exit 0', () => {
    expect(judged(outcome())).toEqual({ verdict: 'pass', cause: undefined, code: 0 });
  });
  it('a backup that does not restore or differs: bad-backup, exit 1, naming what failed', () => {
    const r = judged(
      outcome({
        checks: [{ name: 'backup-restores', valid: false, details: {} }],
        error: 'prepare: command failed (exit code 1, 800 ms): docker start -a fd-rt-prepare',
      }),
    );
    expect(r).toMatchObject({ verdict: 'fail', code: 1, cause: { kind: 'bad-backup' } });
    expect(r.cause!.message).toMatch(/^prepare: command failed .*; check\(s\) failed: backup-restores$/);
  });
  it('a required check that was skipped: not a pass (bad-backup, exit 1), saying which and why', () => {
    const r = judged(
      outcome({
        checks: [
          { name: 'check-table', valid: true, details: {} },
          { name: 'gtid-advanced', valid: false, status: 'skipped', reason: 'the backup records no GTID position', details: {} },
        ],
      }),
    );
    expect(r).toMatchObject({ verdict: 'fail', code: 1 });
    expect(r.cause!.message).toBe('check gtid-advanced did not run: the backup records no GTID position');
  });
  it('a docker failure in the middle of the test (the outcome says what stopped it): environment, exit 2, not a bad backup', () => {
    const engineGone = new ExecError({
      argv: ['docker', 'exec', 'fd-x-restored', 'mariadb-check'],
      exitCode: 1,
      signal: null,
      stdout: '',
      stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      durationMs: 5,
      timedOut: false,
    });
    const r = judged(outcome({ stoppedBy: engineGone, error: engineGone.message }));
    expect(r).toMatchObject({ verdict: 'error', code: 2, cause: { kind: 'environment' } });
    expect(r.cause!.message).toMatch(/docker exec fd-x-restored/);
  });
  it('a restored server never ready within its deadline: environment, exit 2', () => {
    const never = new WaitTimeoutError('restored to answer a query', 120_000, undefined, new Error('ECONNREFUSED'));
    expect(judged(outcome({ stoppedBy: never, error: never.message }))).toMatchObject({
      verdict: 'error',
      code: 2,
      cause: { kind: 'environment' },
    });
  });
  it('an error thrown before any outcome existed (a bug, a volume that could not be made): harness, exit 2, still a report', () => {
    const r = toResult(undefined, new TypeError("Cannot read properties of undefined (reading 'kind')"), p);
    expect(r).toMatchObject({ verdict: 'error', cause: { kind: 'harness' }, description: 'restore-test of /b/full', checks: [] });
    expect(exitCodeOfCause(r.cause)).toBe(2);
  });
  it('a passing backup whose teardown left something: environment, exit 2', () => {
    expect(judged(outcome(), undefined, ['remove volume fd-x-restore-data: device busy'])).toMatchObject({
      verdict: 'error',
      code: 2,
      cause: { kind: 'environment', message: 'teardown failed: remove volume fd-x-restore-data: device busy' },
    });
  });
});
