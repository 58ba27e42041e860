import { describe, expect, it } from 'vitest';
import { execError } from '../exec/errors.test-fixture.js';
import { HarnessError, InterruptedError, WaitTimeoutError } from '../exec/index.js';
import { UsageError } from '../core/index.js';
import { classifyFailure, exitCodeOf } from './outcome.js';

const dockerErr = execError;

describe('verdicts and exit codes by cause', () => {
  it('a step of the drill that fails after setup is a failure (exit 1)', () => {
    expect(classifyFailure(new WaitTimeoutError('restored to catch up', 1000, 'Connecting'), 'catch-up', false)).toBe('fail');
    expect(exitCodeOf({ verdict: 'fail' })).toBe(1);
  });
  it('a container never ready in setup, an engine gone, a disk full, a docker control call past its deadline: could not run (exit 2)', () => {
    expect(classifyFailure(new WaitTimeoutError('primary to answer ping', 1000, undefined), 'setup', false)).toBe('error');
    expect(
      classifyFailure(dockerErr({ stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock' }), 'restore', false),
    ).toBe('error');
    expect(
      classifyFailure(
        dockerErr({ argv: ['docker', 'exec', 'n', 'cp'], stderr: 'cp: write error: No space left on device' }),
        'backup',
        false,
      ),
    ).toBe('error');
    expect(classifyFailure(dockerErr({ timedOut: true, exitCode: null }), 'backup', false)).toBe('error');
    expect(classifyFailure(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 'backup', false)).toBe(
      'error',
    );
    expect(classifyFailure(new HarnessError('could not remove a partial artifact'), 'backup', false)).toBe('error');
    expect(classifyFailure(new UsageError('no Galera'), 'backup', false)).toBe('error');
    expect(exitCodeOf({ verdict: 'error' })).toBe(2);
  });
  it("a docker exec of the drill that fails or times out is the drill's failure, not the harness's", () => {
    expect(classifyFailure(dockerErr({ argv: ['docker', 'exec', 'n', 'mariadb-backup'], exitCode: 1 }), 'backup', false)).toBe('fail');
  });
  it('a signal makes it interrupted (exit 130 / 143) whatever the error was', () => {
    expect(classifyFailure(new Error('connection lost'), 'backup', true)).toBe('interrupted');
    expect(classifyFailure(new InterruptedError('SIGTERM'), 'setup', false)).toBe('interrupted');
    expect(exitCodeOf({ verdict: 'interrupted' }, 'SIGINT')).toBe(130);
    expect(exitCodeOf({ verdict: 'interrupted' }, 'SIGTERM')).toBe(143);
  });
});
