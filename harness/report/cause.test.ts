import { describe, expect, it } from 'vitest';
import { execError } from '../exec/errors.test-fixture.js';
import { UsageError } from '../core/index.js';
import { HarnessError, InterruptedError, WaitTimeoutError } from '../exec/index.js';
import { DeadlineError } from '../runtime/connection.js';
import { NoEngineError } from '../runtime/docker.js';
import { causeOfError, exitCodeOfCause } from './cause.js';
import { failureCause, unmeasuredRpo, verdictOf } from './result.js';

const execErr = execError;

describe('the cause of a run that did not pass, and the exit code it gives', () => {
  it('bad input is bad-input (exit 2)', () => {
    const c = causeOfError(new UsageError('unknown flavor mariadb-12'));
    expect(c).toEqual({ kind: 'bad-input', message: 'unknown flavor mariadb-12' });
    expect(exitCodeOfCause(c)).toBe(2);
  });
  it('no engine, the engine gone, a docker call past its deadline, a server never ready: environment (exit 2)', () => {
    for (const e of [
      new NoEngineError('connect ENOENT /var/run/docker.sock'),
      execErr({ stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock' }),
      execErr({ argv: ['docker', 'inspect', 'n'], timedOut: true, exitCode: null }),
      new WaitTimeoutError('restored to answer a query', 120_000, 'ECONNREFUSED'),
      new DeadlineError('primary: no answer within 20 s (--timeout) to: SELECT @@GLOBAL.gtid_current_pos AS gtid'),
      execErr({ argv: ['docker', 'exec', 'n', 'mariadb-backup'], timedOut: true, exitCode: null }),
    ]) {
      expect(causeOfError(e).kind, e.message).toBe('environment');
      expect(exitCodeOfCause(causeOfError(e))).toBe(2);
    }
  });
  it("firedrill's own failures (a HarnessError, a bug) are harness (exit 2), with the error's first line", () => {
    expect(causeOfError(new HarnessError('could not remove the half-made artifact /x'))).toEqual({
      kind: 'harness',
      message: 'could not remove the half-made artifact /x',
    });
    const bug = causeOfError(new TypeError("Cannot read properties of undefined (reading 'gtid')\n    at restoreTest"));
    expect(bug).toEqual({ kind: 'harness', message: "Cannot read properties of undefined (reading 'gtid')" });
    expect(exitCodeOfCause(bug)).toBe(2);
  });
  it('a signal is interrupted (130 / 143), whatever the error was', () => {
    expect(causeOfError(new InterruptedError('SIGTERM')).kind).toBe('interrupted');
    expect(causeOfError(new Error('connection lost'), true).kind).toBe('interrupted');
    expect(exitCodeOfCause({ kind: 'interrupted', message: '' }, 'SIGTERM')).toBe(143);
  });
  it('a bad backup and a failed drill are exit 1; no cause is a pass (0)', () => {
    expect(exitCodeOfCause({ kind: 'bad-backup', message: '' })).toBe(1);
    expect(exitCodeOfCause({ kind: 'drill-failed', message: '' })).toBe(1);
    expect(exitCodeOfCause(undefined)).toBe(0);
  });
});

describe('a judged run: a check that did not run never passes; one not applicable counts for nothing', () => {
  const rpo = { ...unmeasuredRpo('restored'), lostAcknowledgedWrites: 0 };
  const ok = { name: 'check-table', valid: true, details: {} };
  const skipped = { name: 'gtid-advanced', valid: false, status: 'skipped' as const, reason: 'no GTID position', details: {} };
  const na = { name: 'state-accounts', valid: true, status: 'not-applicable' as const, reason: 'a dump of one database', details: {} };

  it('a skipped check fails the run and the cause says which check did not run and why', () => {
    expect(verdictOf({ checks: [ok, skipped], rpo }, false)).toBe('fail');
    expect(failureCause({ checks: [ok, skipped], rpo }, false)).toEqual({
      kind: 'drill-failed',
      message: 'check gtid-advanced did not run: no GTID position',
    });
    expect(failureCause({ checks: [ok, skipped], rpo }, null, 'bad-backup')!.kind).toBe('bad-backup');
  });
  it('a check not applicable does not fail the run, but a run of nothing but such checks proved nothing', () => {
    expect(verdictOf({ checks: [ok, na], rpo }, false)).toBe('pass');
    expect(failureCause({ checks: [ok, na], rpo }, false)).toBeUndefined();
    expect(failureCause({ checks: [na], rpo }, false)!.message).toBe('no check ran');
  });
  it('names the failed checks, the lost writes and the error', () => {
    const bad = { name: 'restored-ledger', valid: false, details: {} };
    expect(
      failureCause({ checks: [ok, bad], rpo: { ...rpo, lostAcknowledgedWrites: 3 }, error: 'restore failed\nstack' }, false)!.message,
    ).toBe('restore failed; check(s) failed: restored-ledger; 3 acknowledged write(s) lost on restored');
  });
});
