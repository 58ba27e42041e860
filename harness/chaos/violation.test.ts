import { describe, expect, it } from 'vitest';
import { ExecError, WaitTimeoutError } from '../exec/index.js';
import type { DrillResult } from '../report/index.js';
import { ServerExitedError } from '../runtime/index.js';
import type { DrillContext } from '../scenario/index.js';
import type { ChaosCommand } from './model.js';
import { chaosScenario } from './scenario.js';
import { InvariantViolation, ModelMismatch, VIOLATION_OBSERVATION, type Violation, classifyError, drillViolation } from './violation.js';

const dockerFailed = (stderr: string) =>
  new ExecError({
    argv: ['docker', 'network', 'connect', 'n', 'c'],
    exitCode: 1,
    signal: null,
    stdout: '',
    stderr,
    durationMs: 5,
    timedOut: false,
  });

describe('classifyError: who a failed step accuses', () => {
  it('accuses the database for broken invariants, a server that exited and a database state never reached', () => {
    expect(classifyError(new InvariantViolation('x', [{ name: 'replica-1-ledger' }]))).toBe('database');
    expect(classifyError(new ServerExitedError('galera-2', 1, 'failed to reach primary view'))).toBe('database');
    expect(classifyError(new WaitTimeoutError('galera-2 to be Synced', 180_000, { localState: 'Joining' }))).toBe('database');
  });

  it('accuses the model when the topology is not in the state the model says', () => {
    expect(classifyError(new ModelMismatch('model error', {}))).toBe('model');
  });

  it('accuses the harness for its engine, its docker calls and anything else of its own', () => {
    expect(classifyError(dockerFailed('Cannot connect to the Docker daemon at unix:///var/run/docker.sock'))).toBe('harness');
    expect(classifyError(dockerFailed('Error response from daemon: endpoint with name x already exists'))).toBe('harness');
    expect(classifyError(new Error('no backup artifact has been taken in this drill'))).toBe('harness');
  });
});

/** A fake drill context: the nodes the "real" topology has (and whether each runs), the artifacts taken. */
function fakeContext(nodes: Record<string, boolean>, artifacts: number): DrillContext {
  const all = Object.entries(nodes).map(([name, running]) => ({ name, container: { state: async () => ({ running }) } }));
  return {
    topo: { all: () => all },
    artifacts: Array.from({ length: artifacts }, () => ({})),
    observations: {},
    checks: [],
  } as unknown as DrillContext;
}

/** The steps of the first command's phase of a chaos drill. */
const commandSteps = (commands: ChaosCommand[]) =>
  chaosScenario({ id: 't', topology: 'primary-replicas', commands }).phases.find((p) => p.name.startsWith('cmd-1'))!.steps;

describe('the model guard before each command (fake system under test)', () => {
  it('passes when the topology is as the model says', async () => {
    const guard = commandSteps([{ kind: 'lose', target: 'replica-1' }])[0]!;
    const ctx = fakeContext({ primary: true, 'replica-1': true, 'replica-2': true }, 0);
    await expect(guard.run(ctx)).resolves.toBeUndefined();
    expect(ctx.observations[VIOLATION_OBSERVATION]).toBeUndefined();
  });

  it('throws a model error, recorded with what the topology showed, when a node the model counts as up is not running', async () => {
    const guard = commandSteps([{ kind: 'backup', target: 'replica-1' }])[0]!;
    const ctx = fakeContext({ primary: true, 'replica-1': false, 'replica-2': true }, 0);
    await expect(guard.run(ctx)).rejects.toThrow(/model error before backup replica-1/);
    const v = ctx.observations[VIOLATION_OBSERVATION] as Violation;
    expect(v.class).toBe('model');
    expect(v.command).toBe(1);
    expect(v.evidence['seen']).toMatchObject({ notRunning: ['replica-1'], artifacts: 0 });
  });

  it('throws a model error when the drill holds a different number of artifacts than the model', async () => {
    const guard = commandSteps([{ kind: 'writes', count: 50 }])[0]!;
    const ctx = fakeContext({ primary: true, 'replica-1': true, 'replica-2': true }, 1);
    await expect(guard.run(ctx)).rejects.toThrow(ModelMismatch);
    expect((ctx.observations[VIOLATION_OBSERVATION] as Violation).evidence['seen']).toMatchObject({ artifacts: 1 });
  });
});

const result = (r: Partial<DrillResult>): DrillResult =>
  ({
    verdict: 'fail',
    observations: {},
    checks: [],
    rpo: { lostAcknowledgedWrites: 0 },
    reportDir: 'reports/x',
    ...r,
  }) as DrillResult;

describe('drillViolation: a finished chaos drill, classified', () => {
  it('is undefined for a passed drill', () => {
    expect(drillViolation(result({ verdict: 'pass' }))).toBeUndefined();
  });

  it('takes the violation the drill recorded', () => {
    const v: Violation = { class: 'model', command: 2, what: 'model error', evidence: {} };
    expect(drillViolation(result({ error: 'model error', observations: { [VIOLATION_OBSERVATION]: v } }))).toBe(v);
  });

  it('accuses the harness for a drill that could not run, or failed without a recorded violation', () => {
    expect(drillViolation(result({ verdict: 'error', error: 'no engine' }))).toMatchObject({
      class: 'harness',
      evidence: { error: 'no engine' },
    });
    expect(drillViolation(result({ error: 'something of its own' }))!.class).toBe('harness');
  });

  it("accuses the database for failed checks or lost writes at the drill's end", () => {
    const v = drillViolation(
      result({
        checks: [{ name: 'replica-1-ledger', valid: false } as DrillResult['checks'][number]],
        rpo: { lostAcknowledgedWrites: 3 } as DrillResult['rpo'],
      }),
    )!;
    expect(v.class).toBe('database');
    expect(v.what).toBe("at the drill's end: failed checks replica-1-ledger; 3 acknowledged writes lost");
  });
});
