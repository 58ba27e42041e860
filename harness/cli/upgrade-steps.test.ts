import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAVORS, upgradePath, type UpgradeStep } from '../core/index.js';
import type { DrillResult } from '../report/index.js';
import { parseServerConfig } from '../runtime/index.js';
import { goNoGo, incompatibilityReport, loadRuleSet, optionsOfText, serverOptions } from '../verify/upgrade/index.js';
import { emptyInventory, serious, target } from '../verify/upgrade/rules.test-fixture.js';
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
  // Step 1 (10.5 -> 10.11) judges the user's file; step 2 (10.11 -> 11.8) must judge the file as step 1 left it.
  const text = '[mysqld]\ninnodb_buffer_pool_size=1G\nwsrep_strict_ddl=ON\ninnodb_thread_concurrency=16\n';
  const sc = parseServerConfig(text, '/etc/mysql/my.cnf');
  const fromFile = serverOptions(optionsOfText(sc.path, sc.text));
  // what 11.8's own binary says of these options when they are in the file (it refuses and ignores them too)
  const verdicts11 = [
    { name: 'wsrep_strict_ddl', verdict: 'refused', message: "unknown variable 'wsrep_strict_ddl=ON'" },
    { name: 'innodb_thread_concurrency', verdict: 'ignored', message: 'innodb_thread_concurrency is ignored' },
  ] as const;
  const step2 = (options: typeof fromFile) =>
    incompatibilityReport({
      rules: loadRuleSet(FLAVORS['mariadb-10.11'], FLAVORS['mariadb-11.8']),
      old: emptyInventory(),
      target: target(),
      config: { options, verdicts: verdicts11 },
    });
  const stepOne = async (): Promise<StepRun> => {
    const rules = loadRuleSet(FLAVORS['mariadb-10.5'], FLAVORS['mariadb-10.11']);
    const f = await incompatibilityReport({
      rules,
      old: emptyInventory('10.5.23-MariaDB'),
      target: target(),
      config: { options: fromFile, verdicts: [] },
    });
    const result = { verdict: 'fail', observations: { 'go/no-go': goNoGo(f) } } as unknown as DrillResult;
    return { from: 'mariadb-10.5', to: 'mariadb-10.11', result };
  };

  it('step 2 judges the file without what step 1 found refused or ignored: each finding once, by step 1', async () => {
    const before = await stepOne();
    const g1 = before.result.observations['go/no-go'] as ReturnType<typeof goNoGo>;
    expect(serious(g1.findings).map((f) => [f.kind, f.evidence?.['option']])).toEqual([
      ['option-refused', 'wsrep_strict_ddl'],
      ['option-ignored', 'innodb_thread_concurrency'],
    ]);
    const after = configAfter(before, sc)!;
    expect(after.options.map((o) => o.name)).toEqual(['innodb-buffer-pool-size']);
    expect(after.text).toMatch(/^# wsrep_strict_ddl=ON {2}# firedrill: mariadb-10.11 refuses it \(step mariadb-10.5 -> mariadb-10.11\)$/m);
    expect(after.text).toMatch(/^# innodb_thread_concurrency=16 {2}# firedrill: mariadb-10.11 ignores it/m);
    expect(after.leftOut?.map((l) => [l.option, l.line])).toEqual([
      ['wsrep-strict-ddl', 3],
      ['innodb-thread-concurrency', 4],
    ]);
    // the defect this guards against: the file re-read as given, step 2 reports step 1's findings again
    expect(serious(await step2(fromFile)).map((f) => f.kind)).toEqual(['option-refused', 'option-ignored']);
    expect(serious(await step2(serverOptions(optionsOfText(after.path, after.text))))).toEqual([]);
  });

  it('is the same file when the step before found nothing in it, and nothing when there is no file', async () => {
    const clean = { from: 'mariadb-10.5', to: 'mariadb-10.11', result: result('pass') } as StepRun;
    expect(configAfter(clean, sc)).toBe(sc);
    expect(configAfter(await stepOne(), undefined)).toBeUndefined();
  });
});
