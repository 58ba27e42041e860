// The two-step upgrade path a Debian user takes, rehearsed in one command: MariaDB 10.5 (bullseye) -> 10.11
// (bookworm) -> 11.8 (trixie), the data the first step's upgraded node holds at its end carried into the second.
// Long (two whole pre-upgrade drills per case): nightly only.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/runtime/index.js';
import type { Finding } from '../../harness/verify/upgrade/index.js';
import { cli, leftovers } from '../docker/helpers.js';

interface StepJson {
  from: string;
  to: string;
  result: {
    runId: string;
    verdict: string;
    flavor: string;
    dataset: { name: string; origin: string; databases: string[] };
    observations: Record<string, unknown> & { 'go/no-go': { verdict: string; findings: Finding[] } };
  };
}
const SHOP = join(projectRoot, 'fixtures/datasets/shop/shop.sql');
const path = (extra: string[]) =>
  cli(['pre-upgrade', '--from', 'mariadb-10.5', '--to', 'mariadb-11.8', '--dataset', SHOP, '--param', 'bulkMb=1', '--json', ...extra]);

describe('firedrill pre-upgrade --from mariadb-10.5 --to mariadb-11.8', () => {
  it('a clean input: both steps run, the second on the data carried from the first, both go (exit 0)', async () => {
    const r = await path([]);
    const out = JSON.parse(r.stdout) as { path: Array<{ from: string; to: string }>; steps: StepJson[] };
    expect(out.path).toEqual([
      { from: 'mariadb-10.5', to: 'mariadb-10.11' },
      { from: 'mariadb-10.11', to: 'mariadb-11.8' },
    ]);
    expect(
      out.steps.map((s) => [s.from, s.to, s.result.verdict, s.result.observations['go/no-go'].verdict]),
      r.stderr.slice(-3000),
    ).toEqual([
      ['mariadb-10.5', 'mariadb-10.11', 'pass', 'go'],
      ['mariadb-10.11', 'mariadb-11.8', 'pass', 'go'],
    ]);
    expect(r.code).toBe(0);
    const carried = out.steps[0]!.result.observations['carried dataset'] as { databases: string[]; bytes: number; flavor: string };
    expect(carried).toMatchObject({ databases: ['shop'], flavor: 'mariadb-10.11' });
    expect(carried.bytes).toBeGreaterThan(0);
    expect(out.steps[1]!.result.dataset.databases).toEqual(['shop']);
    expect(out.steps[1]!.result.dataset.origin).toMatch(/data-for-mariadb-10\.11\.sql/);
    // each step's own way back: the step's pre-upgrade backup restored onto the step's old version, verified and timed
    for (const s of out.steps) {
      const wayBack = s.result.observations['way back'] as {
        replication: { exercised: boolean };
        restore: { flavor: string; restoreS: number };
      };
      expect(wayBack.restore, s.from).toMatchObject({ flavor: s.from, kind: 'physical', verified: true });
      expect(wayBack.restore.restoreS).toBeGreaterThan(0);
      expect(wayBack.replication.exercised, s.from).toBe(true);
    }
    for (const s of out.steps) expect(await leftovers(s.result.runId)).toEqual([]);
  }, 3_600_000);

  it('a planted blocker of the first step (an option 10.11 refuses): step 1 no-go, step 2 still runs without it, exit 1', async () => {
    const r = await path(['--server-config', join(projectRoot, 'fixtures/pre-upgrade/planted-10.5-my.cnf')]);
    const out = JSON.parse(r.stdout) as { steps: StepJson[] };
    expect(r.code, r.stderr.slice(-3000)).toBe(1);
    const [first, second] = out.steps;
    const serious = (s: StepJson) =>
      s.result.observations['go/no-go'].findings
        .filter((f) => f.severity !== 'info')
        .map((f) => [f.severity, f.kind, f.where.replace(/^.*\//, '')]);
    expect(serious(first!)).toEqual([
      ['blocking', 'option-refused', 'planted-10.5-my.cnf:6'],
      ['warning', 'option-ignored', 'planted-10.5-my.cnf:5'],
    ]);
    // the second step's 10.11 nodes ran, and its report judged, the file as the first step left it (the refused and
    // the ignored option commented out): each finding once, by the first step
    expect(second!.result.verdict).toBe('pass');
    expect(serious(second!).filter((f) => String(f[1]).startsWith('option-'))).toEqual([]);
    const report = second!.result.observations['incompatibility report'] as {
      serverConfigLeftOut?: Array<{ option: string; line: number }>;
    };
    expect(report.serverConfigLeftOut?.map((l) => [l.option, l.line])).toEqual([
      ['wsrep-strict-ddl', 6],
      ['innodb-thread-concurrency', 5],
    ]);
    for (const s of out.steps) expect(await leftovers(s.result.runId)).toEqual([]);
  }, 3_600_000);
});
