import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { upgradePath, type UpgradeStep } from '../core/index.js';
import type { DrillResult } from '../report/index.js';
import { configAfter, runSteps, stepsExitCode, type StepRun } from './upgrade-steps.js';

const result = (verdict: DrillResult['verdict']) => ({ verdict, observations: {} }) as unknown as DrillResult;
const path = upgradePath('mariadb-10.5', 'mariadb-11.8');

describe('a multi-step upgrade: one run per step, the data carried from each to the next', () => {
  it("the second step loads what the first wrote; the private folder is gone afterwards; exit is the worst step's", async () => {
    const seen: { step: UpgradeStep; carryTo?: string; dataset?: string; data?: string }[] = [];
    const done = await runSteps(path, async (step, carryTo, dataset) => {
      seen.push({ step, carryTo, dataset, data: dataset ? readFileSync(dataset, 'utf8') : undefined });
      if (carryTo) writeFileSync(carryTo, `-- data as ${step.to} holds it\n`);
      return result(step.to === 'mariadb-11.8' ? 'fail' : 'pass');
    });
    expect(seen.map((s) => [s.step.from, s.step.to, !!s.carryTo, s.data])).toEqual([
      ['mariadb-10.5', 'mariadb-10.11', true, undefined],
      ['mariadb-10.11', 'mariadb-11.8', false, '-- data as mariadb-10.11 holds it\n'],
    ]);
    expect(seen[1]!.dataset).toBe(seen[0]!.carryTo);
    expect(existsSync(dirname(seen[0]!.carryTo!))).toBe(false);
    expect(done.map((d) => d.result.verdict)).toEqual(['pass', 'fail']);
    expect(stepsExitCode(done, path.length)).toBe(1);
  });

  it('a step that could not run, or carried no data, ends the series: exit 2, unless a step already said no-go', async () => {
    const error = await runSteps(path, async () => result('error'));
    expect(error).toHaveLength(1);
    expect(stepsExitCode(error, path.length)).toBe(2);
    const noData = await runSteps(path, async () => result('pass'));
    expect(noData).toHaveLength(1);
    expect(stepsExitCode(noData, path.length)).toBe(2);
    const failedEarly = await runSteps(path, async () => result('fail'));
    expect(failedEarly).toHaveLength(1);
    expect(stepsExitCode(failedEarly, path.length)).toBe(1);
  });

  it('a clean path exits 0; one step needs no folder and carries nothing', async () => {
    const carried: (string | undefined)[] = [];
    const done = await runSteps(upgradePath('mariadb-10.11', 'mariadb-11.8'), async (_s, carryTo) => {
      carried.push(carryTo);
      return result('pass');
    });
    expect(carried).toEqual([undefined]);
    expect(stepsExitCode(done, 1)).toBe(0);
  });
});

describe('the option file a later step runs', () => {
  it("is the user's file without what the step before refused at its target; unchanged when nothing was refused", async () => {
    const { parseServerConfig } = await import('../runtime/index.js');
    const sc = parseServerConfig('[mysqld]\ninnodb_buffer_pool_size=1G\nwsrep_strict_ddl=ON\n', '/etc/mysql/my.cnf');
    const before = {
      from: 'mariadb-10.5',
      to: 'mariadb-10.11',
      result: {
        verdict: 'fail',
        observations: { 'server config for mariadb-10.11': { removed: [{ option: 'wsrep-strict-ddl', line: 3 }] } },
      },
    } as unknown as StepRun;
    const after = configAfter(before, sc)!;
    expect(after.options.map((o) => o.name)).toEqual(['innodb-buffer-pool-size']);
    expect(after.text).toMatch(/^# wsrep_strict_ddl=ON {2}# firedrill: mariadb-10.11 refuses it/m);
    expect(configAfter({ ...before, result: result('pass') }, sc)).toBe(sc);
    expect(configAfter(before, undefined)).toBeUndefined();
  });
});
