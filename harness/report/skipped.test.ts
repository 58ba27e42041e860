import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAllureResult } from './allure.js';
import { renderReport } from './html.js';
import { junitXml } from './junit.js';
import { failureCause, verdictOf } from './result.js';
import { summaryMarkdown } from './summary.js';
import { consoleSummary } from './write.js';
import { T0, sampleResult } from './sample.test-fixture.js';

/** A drill whose checks passed, except one that did not run and one a declared limit made meaningless. */
function withSkipped() {
  const r = sampleResult();
  r.checks.push(
    { name: 'gtid-advanced', valid: false, status: 'skipped', reason: 'the backup records no GTID position', details: {} },
    { name: 'state-accounts', valid: true, status: 'not-applicable', reason: 'a dump of one database carries no accounts', details: {} },
  );
  r.verdict = verdictOf(r, false);
  r.cause = failureCause(r, false);
  return r;
}
/** The same drill where the only unusual check is not applicable. */
function withNotApplicable() {
  const r = withSkipped();
  r.checks = r.checks.filter((c) => c.status !== 'skipped');
  r.verdict = verdictOf(r, false);
  r.cause = failureCause(r, false);
  return r;
}

describe('a check that did not run never reads passed, anywhere', () => {
  it('the drill does not pass; its cause names the check and why', () => {
    const r = withSkipped();
    expect(r.verdict).toBe('fail');
    expect(r.cause).toEqual({ kind: 'drill-failed', message: 'check gtid-advanced did not run: the backup records no GTID position' });
    expect(withNotApplicable().verdict).toBe('pass');
  });

  it('JUnit: <skipped message=…> for both, counted in skipped= and not in failures; the verdict testcase fails with the cause', () => {
    const xml = junitXml([withSkipped()]);
    expect(xml).toMatch(
      /<testcase [^>]*name="check gtid-advanced"[^>]*>\s*<skipped message="skipped \(did not run\): the backup records no GTID position"\/>/,
    );
    expect(xml).toMatch(
      /<testcase [^>]*name="check state-accounts"[^>]*>\s*<skipped message="not applicable: a dump of one database carries no accounts"\/>/,
    );
    expect(xml).toMatch(/<testsuite [^>]*failures="1" errors="0" skipped="2"/);
    expect(xml).toMatch(/<testsuites [^>]*skipped="2"/);
    expect(xml).toMatch(/name="verdict"[^>]*>\s*<failure message="fail \(drill-failed: check gtid-advanced did not run/);
    expect(xml).toContain('<property name="cause.kind" value="drill-failed"/>');
    // a not-applicable check alone: skipped in CI, and the drill passes
    expect(junitXml([withNotApplicable()])).toMatch(/<testsuite [^>]*failures="0" errors="0" skipped="1"/);
  });

  it('summary.md and the terminal: counted apart from passes, with the reason; the cause is said first', () => {
    const md = summaryMarkdown(withSkipped());
    expect(md).toContain('Cause: **drill-failed**: check gtid-advanced did not run');
    expect(md).toMatch(/## Checks \(\d+ of \d+ passed, 1 skipped, 1 not applicable\)/);
    expect(md).toMatch(/\| gtid-advanced \| \*\*skipped\*\* \| the backup records no GTID position/);
    expect(md).toMatch(/\| state-accounts \| not applicable \| a dump of one database/);
    expect(md).toMatch(/## Why it failed[\s\S]*check gtid-advanced\*\*: skipped \(did not run\)/);
    const term = consoleSummary(withSkipped());
    expect(term).toMatch(/^FAIL /);
    expect(term).toContain('  cause: drill-failed: check gtid-advanced did not run');
    expect(term).toContain('  SKIP gtid-advanced: skipped: the backup records no GTID position');
    expect(term).toContain('  n/a  state-accounts: not applicable: a dump of one database carries no accounts');
  });

  it('the HTML report: a SKIPPED row with its reason, the cause, and counts that do not call it a pass', () => {
    const html = renderReport({ runs: [{ result: withSkipped(), source: 'a' }], history: [], generatedAt: T0 });
    expect(html).toMatch(
      /<tr data-check="gtid-advanced" data-outcome="skipped"><td>gtid-advanced<\/td><td class="bad">SKIPPED<\/td><td><b>did not run: the backup records no GTID position/,
    );
    expect(html).toMatch(/<tr data-check="state-accounts" data-outcome="not-applicable">.*not applicable/);
    expect(html).toContain('data-cause="drill-failed"');
    expect(html).toMatch(/<h3>Checks \(\d+ of \d+ passed, 1 skipped, 1 not applicable\)<\/h3>/);
  });

  it('Allure: the check steps are "skipped", the test is failed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-skipped-'));
    try {
      writeAllureResult(withSkipped(), dir);
      const t = JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('-result.json'))!), 'utf8'));
      expect(t.status).toBe('failed');
      const checks = t.steps.find((s: { name: string }) => s.name === 'checks');
      const status = (n: string) => checks.steps.find((s: { name: string }) => s.name.startsWith(`check ${n}:`)).status;
      expect(status('gtid-advanced')).toBe('skipped');
      expect(status('state-accounts')).toBe('skipped');
      expect(t.statusDetails.trace).toContain('cause: drill-failed: check gtid-advanced did not run');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
