import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from './build.js';
import { redactLog, redactor } from './redact.js';
import { sampleResult } from './sample.test-fixture.js';

const tmp: string[] = [];
const mk = () => {
  const d = mkdtempSync(join(tmpdir(), 'fd-nodelogs-'));
  tmp.push(d);
  return d;
};
afterEach(() => {
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A failed night: the result names the user's table; the replica's error log quotes its row and statement. */
const failed = () =>
  sampleResult({
    runId: 'night-1',
    verdict: 'fail',
    checks: [
      {
        name: 'replica-1-data-equals-primary',
        valid: false,
        details: { differences: [{ database: 'shop', object: 'customers', kind: 'row-differs', where: '`id` = 7' }] },
      },
    ],
  });
const ERROR_LOG = [
  "2026-12-06 23:01:02 5 [ERROR] Slave SQL: Could not execute Write_rows_v1 event on table shop.customers; Duplicate entry 'alice@example.com' for key 'email', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY; the event's master log mysql-bin.000003, end_log_pos 4711, Gtid 0-1-42",
  "2026-12-06 23:01:02 5 [Note] Slave SQL thread exiting, replication stopped in log 'mysql-bin.000003' at position 4500; GTID position '0-1-41'",
  '',
].join('\n');
const SLOW_LOG = [
  '# Time: 261206 23:01:00',
  '# User@Host: app[app] @ [10.0.0.5]',
  '# Query_time: 3.000120  Lock_time: 0.000010 Rows_sent: 1  Rows_examined: 1000000',
  'SET timestamp=1796598060;',
  "SELECT * FROM shop.customers WHERE email = 'alice@example.com';",
  '',
].join('\n');

function runFolder(root: string): string {
  const run = join(root, 'reports', 'night-1');
  mkdirSync(join(run, 'nodes', 'replica-1'), { recursive: true });
  writeFileSync(join(run, 'result.json'), JSON.stringify(failed()));
  writeFileSync(join(run, 'nodes', 'replica-1', 'error.log'), ERROR_LOG);
  writeFileSync(join(run, 'nodes', 'replica-1', 'slow.log'), SLOW_LOG);
  mkdirSync(join(run, 'nodes', 'primary'));
  writeFileSync(join(run, 'nodes', 'primary', 'error.log'), '2026-12-06 23:00:00 0 [Note] mariadbd: ready for connections.\n');
  return run;
}
const links = (html: string) =>
  [...(/<table class="node-logs">.*?<\/table>/s.exec(html)?.[0] ?? '').matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => ({
    href: m[1]!,
    file: m[2]!,
  }));

describe("the report links every node's saved server logs", () => {
  it('one row per node, each log linked relative to the page, where it was saved', () => {
    const d = mk();
    const run = runFolder(d);
    const out = join(d, 'site', 'report.html');
    mkdirSync(dirname(out));
    buildReport({ paths: [join(d, 'reports')], historyFiles: [], out });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<h3>Server logs</h3>');
    expect(html).toMatch(/<tr data-node="replica-1"><td>replica-1<\/td>/);
    const l = links(html);
    expect(l.map((x) => x.file)).toEqual(['error.log', 'error.log', 'slow.log']);
    // each link, followed from the page's folder, is the saved file itself
    for (const x of l) expect(resolve(dirname(out), x.href).startsWith(join(run, 'nodes'))).toBe(true);
    expect(readFileSync(resolve(dirname(out), l[1]!.href), 'utf8')).toBe(ERROR_LOG);
  });

  it('a run that saved none says so', () => {
    const d = mk();
    mkdirSync(join(d, 'r'));
    writeFileSync(join(d, 'r', 'result.json'), JSON.stringify(failed()));
    buildReport({ paths: [d], historyFiles: [], out: join(d, 'x.html') });
    expect(readFileSync(join(d, 'x.html'), 'utf8')).toContain('No server log was saved for this run.');
  });

  it("with --redact the page links redacted copies beside it: no name, row value or statement of the user's stays", () => {
    const d = mk();
    const run = runFolder(d);
    const out = join(d, 'report.html');
    buildReport({ paths: [join(d, 'reports')], historyFiles: [], out, redact: true });
    const html = readFileSync(out, 'utf8');
    const l = links(html);
    expect(l).toHaveLength(3);
    for (const x of l) {
      const file = resolve(d, x.href);
      expect(file.startsWith(join(d, 'report-logs', 'night-1'))).toBe(true); // never the run's own files
      const text = readFileSync(file, 'utf8');
      for (const secret of ['alice@example.com', 'customers', 'shop', 'SELECT']) expect(text, x.href).not.toContain(secret);
    }
    const err = readFileSync(resolve(d, l[1]!.href), 'utf8');
    // server-level facts stay readable: the error, the binlog file, the GTIDs
    expect(err).toContain("Duplicate entry '#");
    expect(err).toContain("in log 'mysql-bin.000003' at position 4500; GTID position '0-1-41'");
    expect(err).toContain('Gtid 0-1-42');
    const slow = readFileSync(resolve(d, l[2]!.href), 'utf8');
    expect(slow).toContain('# Query_time: 3.000120');
    expect(slow).toContain('SET timestamp=1796598060;');
    // the run's own saved logs are untouched
    expect(readFileSync(join(run, 'nodes', 'replica-1', 'error.log'), 'utf8')).toBe(ERROR_LOG);
  });

  it('a log is redacted with the same digests as its result (the same key: nights comparable)', () => {
    const a = redactLog(ERROR_LOG, failed(), 'error', redactor('k'));
    const b = redactLog(ERROR_LOG, failed(), 'error', redactor('k'));
    expect(a).toBe(b);
    expect(a).not.toContain('shop.customers');
    expect(a).toMatch(/on table #[0-9a-f]{12}\.#[0-9a-f]{12};/);
  });
});
