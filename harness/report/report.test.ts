import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from './build.js';
import { bucketLedger, throughputLatencySvg, trendSvg } from './charts.js';
import { appendHistory, readHistory } from './history.js';
import { renderReport } from './html.js';
import { writeReport } from './write.js';
import { consoleTime, DrillLog, zonedTimestamp } from './log.js';
import { redactArgv } from './provenance.js';
import { redactResult, redactor } from './redact.js';
import { sampleLedger, sampleResult, T0 } from './sample.test-fixture.js';
import { goNoGo } from '../verify/upgrade/index.js';

const tmp: string[] = [];
const mk = () => {
  const d = mkdtempSync(join(tmpdir(), 'fd-report-'));
  tmp.push(d);
  return d;
};
afterEach(() => {
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('history', () => {
  it('appends one line per drill; reading merges files by run id, skips torn lines and says so', () => {
    const d = mk();
    const a = join(d, 'a.jsonl');
    const b = join(d, 'b.jsonl');
    appendHistory(a, sampleResult({ runId: 'r1', startedAt: new Date(T0).toISOString() }));
    appendHistory(a, sampleResult({ runId: 'r2', startedAt: new Date(T0 + 86_400_000).toISOString(), verdict: 'fail' }));
    appendFileSync(a, '{"format":1,"runId":"torn');
    appendHistory(b, sampleResult({ runId: 'r2', startedAt: new Date(T0 + 86_400_000).toISOString(), verdict: 'fail' }));
    appendHistory(b, sampleResult({ runId: 'r0', startedAt: new Date(T0 - 86_400_000).toISOString() }));
    expect(readFileSync(a, 'utf8').split('\n')).toHaveLength(3);
    const h = readHistory([a, b, join(d, 'missing.jsonl')]);
    expect(h.entries.map((e) => e.runId)).toEqual(['r0', 'r1', 'r2']);
    expect(h.entries[2]).toMatchObject({ verdict: 'fail', rtoMs: 2700, objectives: { rtoSeconds: 900, met: true } });
    expect(h.skipped).toEqual([{ file: a, line: 3, reason: 'not JSON (torn line?)' }]);
  });

  it('a run whose verdict changed at teardown reads with its final verdict (the report written again appends a corrected line)', async () => {
    const d = mk();
    const file = join(d, 'history.jsonl');
    const before = process.env.FIREDRILL_HISTORY;
    process.env.FIREDRILL_HISTORY = file;
    try {
      const r = sampleResult({ runId: 'r-teardown', reportDir: join(d, 'r-teardown') });
      mkdirSync(r.reportDir, { recursive: true });
      await writeReport(r); // as runScenario writes it, before the teardown
      await writeReport(r); // the same verdict again: no second line
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
      r.verdict = 'error';
      r.error = 'teardown failed: remove volume x';
      await writeReport(r); // after the teardown
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
      expect(readHistory([file]).entries.map((e) => [e.runId, e.verdict])).toEqual([['r-teardown', 'error']]);
    } finally {
      if (before === undefined) delete process.env.FIREDRILL_HISTORY;
      else process.env.FIREDRILL_HISTORY = before;
    }
  });
});

describe('merging shards', () => {
  it("one report from every shard's run folders; the kept history plus every reported run, once each, saved for the next night", () => {
    const d = mk();
    const shard = (n: number, runId: string, flavor: string) => {
      const run = join(d, 'shards', `drills-shard-${n}`, runId);
      mkdirSync(run, { recursive: true });
      writeFileSync(
        join(run, 'result.json'),
        JSON.stringify(sampleResult({ runId, flavor: flavor as 'mariadb-10.11', startedAt: new Date(T0 + n * 1000).toISOString() })),
      );
      appendHistory(
        join(d, 'shards', `drills-shard-${n}`, 'history.jsonl'),
        sampleResult({ runId, flavor: flavor as 'mariadb-10.11', startedAt: new Date(T0 + n * 1000).toISOString() }),
      );
    };
    shard(1, 'r-a', 'mariadb-10.11');
    shard(2, 'r-b', 'mysql-9.7');
    const kept = join(d, 'kept.jsonl');
    appendHistory(kept, sampleResult({ runId: 'last-night', startedAt: new Date(T0 - 86_400_000).toISOString() }));
    const out = join(d, 'r.html');
    // shard 2's history file was lost in the artifact merge: its run still enters the history from its result
    const r = buildReport({ paths: [join(d, 'shards')], historyFiles: [kept, join(d, 'shards', 'drills-shard-1', 'history.jsonl')], out });
    expect(r.runs.map((x) => x.result.runId).sort()).toEqual(['r-a', 'r-b']);
    expect(r.history.map((e) => e.runId)).toEqual(['last-night', 'r-a', 'r-b']);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('data-trend="replica-kill-restore on mysql-9.7"');
    expect(html).toMatch(/data-trend="replica-kill-restore on mariadb-10\.11">[\s\S]*?2 run\(s\)/);
  });
});

describe('redaction', () => {
  const withDiff = () =>
    sampleResult({
      verdict: 'fail',
      checks: [
        {
          name: 'restored-data-equals-primary',
          valid: false,
          details: {
            differenceCount: 2,
            databases: ['shop', 'drill'],
            differences: [
              { database: 'shop', object: 'customers', kind: 'row-differs', where: "`email` = 'alice@example.com'" },
              { database: 'shop', object: 'orders', kind: 'checksum-differs', expected: 123, actual: 456 },
              { database: '*', object: 'gtid primary', kind: 'gtid-differs', expected: '0-1-5', actual: '0-1-4' },
            ],
          },
        },
      ],
      observations: { accident: { statement: 'DROP TABLE shop.orders', issuedAt: 'x' } },
      phases: [
        {
          name: 'accident',
          recovery: false,
          startMs: T0,
          endMs: T0 + 1,
          durationMs: 1,
          steps: [{ name: 'someone runs DROP TABLE shop.orders on the primary', startMs: T0, endMs: T0 + 1 }],
        },
      ],
    });

  it("replaces the user's names, keys and values by digests everywhere, keeps server-level facts and firedrill's own schemas", () => {
    const red = redactResult(withDiff(), redactor('k'));
    const text = JSON.stringify(red);
    for (const secret of ['alice@example.com', 'customers', 'orders', 'shop', '123', '456']) expect(text).not.toContain(secret);
    expect(text).toContain('0-1-5'); // a GTID is not the user's data
    expect(red.checks[0]!.details['databases']).toEqual([expect.stringMatching(/^#[0-9a-f]{12}$/), 'drill']);
    expect(red.phases[0]!.steps[0]!.name).toMatch(/^someone runs DROP TABLE #[0-9a-f]{12}\.#[0-9a-f]{12} on the primary$/);
    expect(red.redaction).toMatchObject({ key: 'FIREDRILL_REDACT_KEY (stable across reports)' });
  });

  it('the same key gives the same digest (nights comparable); without a key, digests differ per report', () => {
    const a = redactResult(withDiff(), redactor('k'));
    const b = redactResult(withDiff(), redactor('k'));
    expect(a.checks[0]!.details).toEqual(b.checks[0]!.details);
    const c = redactResult(withDiff(), redactor(undefined));
    expect(c.checks[0]!.details).not.toEqual(a.checks[0]!.details);
  });

  it("the report built with --redact carries none of the user's names or keys", () => {
    const d = mk();
    const run = join(d, 'run1');
    mkdirSync(run);
    writeFileSync(join(run, 'result.json'), JSON.stringify(withDiff()));
    const out = join(d, 'r.html');
    buildReport({ paths: [d], historyFiles: [], redact: true, out });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Redacted');
    for (const secret of ['alice@example.com', 'customers', 'shop']) expect(html).not.toContain(secret);
    buildReport({ paths: [d], historyFiles: [], out });
    expect(readFileSync(out, 'utf8')).toContain('alice@example.com');
  });
});

describe('charts', () => {
  it('buckets the ledger: throughput by outcome time, latency by send time', () => {
    const b = bucketLedger(sampleLedger(), T0, T0 + 12_000);
    expect(b.bucketMs).toBe(1000);
    expect(b.acked.reduce((s, v) => s + v, 0)).toBe(80);
    expect(b.acked[5]).toBe(10);
    expect(b.p99[4]).toBe(40); // the fault second
    expect(b.p50[6]).toBe(2);
    expect(b.p50[0]).toBeNull();
  });

  it('throughput/latency SVG shades the phases and the fault window and names them; the trend draws the objective', () => {
    const r = sampleResult();
    const svg = throughputLatencySvg({
      startMs: T0,
      endMs: T0 + 12_000,
      ledger: sampleLedger(),
      lostIds: [5],
      phases: r.phases.map((p) => ({ name: p.name, startMs: p.startMs, endMs: p.endMs, recovery: p.recovery })),
      faults: [{ name: 'send SIGKILL to replica-1', startMs: T0 + 4000, endMs: T0 + 4800 }],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('fault: send SIGKILL to replica-1');
    expect(svg).toContain('catch-up');
    expect(svg).toContain('lost acknowledged');
    expect(svg).toContain('fill="rgb(220,38,38)"'); // the fault window's fill
    expect(svg).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const t = trendSvg(
      'replica-kill-restore on mariadb-10.11',
      [
        { at: T0, runId: 'a', rtoSeconds: 3, rpoWrites: 0, verdict: 'pass' },
        { at: T0 + 1, runId: 'b', rtoSeconds: 5, rpoWrites: 2, verdict: 'fail' },
      ],
      6,
    );
    expect(t).toContain('RTO objective 6 s');
    expect(trendSvg('x', [{ at: T0, runId: 'a', rtoSeconds: 3, rpoWrites: 0, verdict: 'pass' }], 900)).toContain(
      'RTO objective 900 s, off scale',
    );
  });
});

describe('the write-unavailability window on the chart', () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  const html = (observations: Record<string, unknown>) =>
    renderReport({ runs: [{ result: sampleResult({ observations }), ledger: sampleLedger(), source: 'a' }], history: [] });

  it('a failover and a switchover measured by the drill are each drawn as a band labelled with its length', () => {
    const page = html({
      failover: { writeUnavailableMs: 2300, fromIso: iso(T0 + 4000), toIso: iso(T0 + 6300), promoted: 'replica-2' },
      'planned switchover': { writeUnavailableMs: 64, fromIso: iso(T0 + 9000), toIso: iso(T0 + 9064) },
      workload: { writers: 4 },
    });
    expect(page).toContain('writes unavailable (failover): 2.30 s');
    expect(page).toContain('writes unavailable (planned switchover): 0.06 s');
    expect(page).toContain('fill="rgb(234,179,8)"'); // the window's fill
  });

  it('a drill that measured no window draws none', () => {
    const page = html({ workload: { writers: 4 }, failover: { promoted: 'replica-2', writeUnavailableMs: 'n/a' } });
    expect(page).not.toContain('writes unavailable (');
    expect(page).not.toContain('fill="rgb(234,179,8)"');
  });
});

describe('HTML report', () => {
  it('is one self-contained page: verdicts, objectives met/missed, timeline, chart, checks, provenance, trend', () => {
    const pass = sampleResult();
    const miss = sampleResult({
      runId: 'r-miss',
      flavor: 'mysql-9.7',
      verdict: 'fail',
      rpo: { lostAcknowledgedWrites: 2, seconds: 0.4, node: 'restored', indeterminate: 1, method: 'ledger' },
    });
    miss.objectives = undefined; // an older result: judged with the built-in objectives
    const html = renderReport({
      runs: [
        { result: pass, ledger: sampleLedger(), source: 'a' },
        { result: miss, source: 'b' },
      ],
      history: [],
      generatedAt: T0,
    });
    expect(html).not.toMatch(/<script|<link |src="http|url\(http/);
    expect(html).toContain('data-verdict="fail"');
    expect(html).toMatch(/data-objective="rpo-writes" data-state="missed"/);
    expect(html).toMatch(/data-objective="rto" data-state="met"/);
    expect(html).toContain('data-chart="throughput-latency"');
    expect(html).toContain('No ledger was found');
    expect(html).toContain('class="timeline"');
    expect(html).toContain('tablesCompared</b> 18');
    expect(html).toContain('No history yet');
    expect(html).toContain('1 passed, 1 failed');
  });
});

describe('HTML report: pre-upgrade go/no-go', () => {
  it('shows the verdict and every finding with its severity, by category, blocking first; nothing for other drills', () => {
    const r = sampleResult({ scenario: 'pre-upgrade', verdict: 'fail' });
    r.observations['go/no-go'] = goNoGo([
      {
        severity: 'warning',
        source: 'incompatibility',
        category: 'system-variables',
        kind: 'option-ignored',
        where: 'my.cnf:4',
        message: 'innodb_defragment is ignored',
      },
      { severity: 'blocking', source: 'replay', kind: 'result', where: 'q.sql: SELECT 1', message: 'the result changes' },
    ]);
    const html = renderReport({ runs: [{ result: r, source: 'a' }], history: [], generatedAt: T0 });
    expect(html).toContain('data-go-no-go="no-go"');
    const severities = [...html.matchAll(/<tr data-severity="(\w+)">/g)].map((m) => m[1]);
    expect(severities).toEqual(['blocking', 'warning']);
    // grouped by category (the checker's, or the part that found it), the group with a blocking finding first
    expect([...html.matchAll(/<h4 data-category="([^"]+)">([^<]*)</g)].map((m) => m[2])).toEqual([
      'query replay: 1 blocking, 0 warning(s), 0 note(s)',
      'system-variables: 0 blocking, 1 warning(s), 0 note(s)',
    ]);
    expect(html).toContain('innodb_defragment is ignored');
    const plain = renderReport({ runs: [{ result: sampleResult(), source: 'a' }], history: [], generatedAt: T0 });
    expect(plain).not.toContain('data-go-no-go');
  });
});

describe('drill log', () => {
  it('every line starts with a timestamp that carries its zone; command lines are redacted', () => {
    const d = mk();
    const log = new DrillLog(join(d, 'sub', 'drill.log'));
    log.line('phase setup', T0);
    log.command(['mariadb', '--password=hunter2', '-e', 'SELECT 1']);
    log.line('two\nlines');
    const lines = readFileSync(log.path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d) phase setup$/);
    expect(lines[1]).toContain("$ mariadb --password=*** -e 'SELECT 1'");
    expect(lines[1]).not.toContain('hunter2');
    expect(lines[3]).toMatch(/^ {29} lines$/);
    expect(new Date(zonedTimestamp(T0)).getTime()).toBe(T0);
    expect(consoleTime(T0)).toMatch(/^\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  });

  it('redacts password-like options and URL credentials, leaves ordinary arguments alone', () => {
    expect(
      redactArgv([
        'mysql',
        '-psecret',
        '--password',
        'x',
        '-e',
        'MYSQL_PWD=abc',
        'mysql://u:pw@h:1/db',
        '-p',
        '3306',
        '--ssl-key=/k.pem',
        'docker',
        'run',
        '-p3306:3306',
      ]),
    ).toEqual([
      'mysql',
      '-p***',
      '--password',
      '***',
      '-e',
      'MYSQL_PWD=***',
      'mysql://u:***@h:1/db',
      '-p',
      '3306',
      '--ssl-key=/k.pem',
      'docker',
      'run',
      '-p3306:3306',
    ]);
  });
});
