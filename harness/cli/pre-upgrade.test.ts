import { writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { sampleResult } from '../report/sample.test-fixture.js';
import { main } from './main.js';
import { cmdPreUpgrade } from './pre-upgrade.js';

/** Bad input to `firedrill pre-upgrade` is refused with one line and exit 2, before anything starts. */
describe('firedrill pre-upgrade: bad input', () => {
  const run = async (args: string[]) => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      lines.push(String(s));
      return true;
    });
    try {
      return { code: await main(['pre-upgrade', ...args]), stderr: lines.join('') };
    } finally {
      spy.mockRestore();
    }
  };
  it.each([
    [['--to', 'mariadb-12.0'], /unknown flavor 'mariadb-12.0'/],
    [['--from', 'mariadb-11.8', '--to', 'mariadb-11.8'], /same version/],
    [['--from', 'mariadb-11.8', '--to', 'mysql-9.7'], /no upgrade rules for mariadb-11.8 -> mysql-9.7 .*mariadb-11.8-to-mysql-9.7.json/],
    [['--queries', '/nonexistent/q.log'], /--queries \/nonexistent\/q.log: no such file/],
    [['--param', 'queries=/nonexistent/q.log'], /--queries \/nonexistent\/q.log: no such file/],
    [['--param', 'to=mysql-9.7'], /no upgrade rules for mariadb-10.11 -> mysql-9.7/],
    [['--session', 'DELETE FROM shop.orders'], /--session: only SET statements set up a session \(got: DELETE FROM shop.orders\)/],
    [['--param', 'runs=0'], /parameter runs=0 is out of range \(min 1\)/],
    [['--server-config', '/nonexistent/my.cnf'], /--server-config \/nonexistent\/my.cnf: cannot read the file/],
    [['--dataset', 'dump.sql.gz'], /dataset dump.sql.gz: no such file or folder/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--concurrent'], /--concurrent needs --queries to be a general query log \(its sessions' thread ids\), not sample/],
    [['--concurrent', '--queries', 'fixtures/pre-upgrade/queries.sql'], /--concurrent needs --queries to be a general query log/],
    [['--param', 'concurrent=yes'], /concurrent/],
  ])('%j', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

/** The drill's verdict decides the exit code: go 0, no-go 1, could not run 2 (as its help and the README say). */
describe('firedrill pre-upgrade: exit codes by verdict', () => {
  const withVerdict = async (verdict: 'pass' | 'fail' | 'error') => {
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      return await cmdPreUpgrade(['--json'], async () => ({ ...sampleResult({ scenario: 'pre-upgrade' }), verdict }));
    } finally {
      spy.mockRestore();
    }
  };
  it('go is 0, no-go is 1, a drill that could not run is 2', async () => {
    expect(await withVerdict('pass')).toBe(0);
    expect(await withVerdict('fail')).toBe(1);
    expect(await withVerdict('error')).toBe(2);
  });
});

/** --concurrent with a general log: the drill is asked for the concurrent replay of its sessions. */
describe('firedrill pre-upgrade --concurrent', () => {
  it('passes concurrent=on and the general log to the drill', async () => {
    const seen: Record<string, string | number>[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await cmdPreUpgrade(
        ['--queries', 'fixtures/query-logs/concurrent-sessions-general.log', '--concurrent', '--json'],
        async (_id, _f, params) => {
          seen.push({ ...params });
          return { ...sampleResult({ scenario: 'pre-upgrade' }), verdict: 'pass' };
        },
      );
      expect(code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ concurrent: 'on', queries: expect.stringMatching(/concurrent-sessions-general\.log$/) });
  });
});

/** --from mariadb-10.5 --to mariadb-11.8: two runs of the drill, the second on the data the first carried over. */
describe('firedrill pre-upgrade: a two-step path', () => {
  it('runs 10.5 -> 10.11 then 10.11 -> 11.8 on the carried data, prints each step page, exits with the worst step', async () => {
    const calls: { flavor: string; params: Record<string, string | number>; dataset: unknown }[] = [];
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      printed.push(String(s));
      return true;
    });
    try {
      const code = await cmdPreUpgrade(['--from', 'mariadb-10.5', '--to', 'mariadb-11.8'], async (_id, flavor, params, _flags, inputs) => {
        calls.push({ flavor, params: { ...params }, dataset: inputs?.dataset?.source });
        if (params['carryTo']) writeFileSync(String(params['carryTo']), 'CREATE DATABASE shop;\nUSE shop;\nCREATE TABLE t (a INT);\n');
        const goNoGo = { verdict: flavor === 'mariadb-10.5' ? 'go' : 'no-go', blocking: 0, warnings: 0, info: 0, findings: [] };
        return {
          ...sampleResult({ scenario: 'pre-upgrade' }),
          verdict: flavor === 'mariadb-10.5' ? 'pass' : 'fail',
          observations: { 'go/no-go': goNoGo },
        };
      });
      expect(code).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(calls.map((c) => [c.flavor, c.params['to'], !!c.params['carryTo']])).toEqual([
      ['mariadb-10.5', 'mariadb-10.11', true],
      ['mariadb-10.11', 'mariadb-11.8', false],
    ]);
    expect(calls[0]!.dataset).toEqual({ kind: 'sakila' });
    expect(calls[1]!.dataset).toEqual({ kind: 'dump', path: calls[0]!.params['carryTo'] });
    const text = printed.join('');
    expect(text).toMatch(/Step 1 of 2: Pre-upgrade mariadb-10.5 -> mariadb-10.11: \*\*GO\*\*/);
    expect(text).toMatch(/Step 2 of 2: Pre-upgrade mariadb-10.11 -> mariadb-11.8: \*\*NO-GO\*\*/);
  });
});
