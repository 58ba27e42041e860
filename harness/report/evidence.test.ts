import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../core/index.js';
import { parseConfig } from '../runtime/config.js';
import { writeAllureResult } from './allure.js';
import { judgementsOf } from './evidence.js';
import { verdictOf } from './result.js';
import { junitXml } from './junit.js';
import { DEFAULT_OBJECTIVES, judgeObjectives, objectivesFor, parseObjectives, type ObjectivesConfig } from './objectives.js';
import { sampleLedger, sampleResult } from './sample.test-fixture.js';

const tmp: string[] = [];
const mk = () => {
  const d = mkdtempSync(join(tmpdir(), 'fd-evidence-'));
  tmp.push(d);
  return d;
};
afterEach(() => {
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The testcases of a JUnit file: name and whether it carries a failure or an error. */
function cases(xml: string): Array<{ name: string; failed: boolean; time: string }> {
  return [...xml.matchAll(/<testcase [^>]*name="([^"]+)"[^>]*time="([\d.]+)"[^>]*>([\s\S]*?)<\/testcase>/g)].map((m) => ({
    name: m[1]!,
    time: m[2]!,
    failed: /<(failure|error) /.test(m[3]!),
  }));
}
const attr = (xml: string, tag: string, a: string) => new RegExp(`<${tag} [^>]*${a}="([^"]*)"`).exec(xml)?.[1];

/** What runScenario does with objectives: judge, and let a missed one fail the verdict. */
function judged(over: Parameters<typeof sampleResult>[0], config?: ObjectivesConfig) {
  const r = sampleResult(over);
  r.objectives = judgeObjectives(objectivesFor(r.scenario, { config }), {
    rtoMs: r.rto.ms,
    rpoWrites: r.rpo.lostAcknowledgedWrites,
    rpoSeconds: r.rpo.seconds,
  });
  r.verdict = verdictOf(r, false);
  return r;
}

describe('objectives', () => {
  it('layers built-in, config default and the drill entry; null switches one off', () => {
    const cfg = parseObjectives({ default: { rtoSeconds: 600 }, 'replica-kill-restore': { rtoSeconds: 60, rpoSeconds: null } }, 'cfg');
    if (typeof cfg === 'string') throw new Error(cfg);
    const o = objectivesFor('replica-kill-restore', { config: cfg });
    expect(o).toMatchObject({ rtoSeconds: 60, rpoWrites: 0, rpoSeconds: null });
    expect(o.source).toEqual({
      rtoSeconds: 'config replica-kill-restore',
      rpoWrites: 'built-in',
      rpoSeconds: 'config replica-kill-restore',
    });
    expect(objectivesFor('other', { config: cfg }).rtoSeconds).toBe(600);
    expect(objectivesFor('restore-without-binlogs', { expectsLoss: true })).toMatchObject({
      rtoSeconds: DEFAULT_OBJECTIVES.rtoSeconds,
      rpoWrites: null,
      rpoSeconds: null,
    });
  });

  it('firedrill.config.json carries them; a bad value is bad input (UsageError: one line, exit 2)', () => {
    expect(parseConfig('{"objectives":{"default":{"rtoSeconds":60}}}', 'f.json').objectives).toEqual({ default: { rtoSeconds: 60 } });
    expect(() => parseConfig('{"objectives":{"default":{"rtoSeconds":"fast"}}}', 'f.json')).toThrow(UsageError);
    expect(() => parseConfig('{"objectives":{"default":{"rtoSeconds":"fast"}}}', 'f.json')).toThrow(
      /f.json: objectives.default.rtoSeconds must be a number/,
    );
  });

  it('refuses a bad objectives value with a message naming the key', () => {
    expect(parseObjectives({ default: { rto: 5 } }, 'f.json')).toMatch(/objectives.default: unknown key 'rto'/);
    expect(parseObjectives({ default: { rtoSeconds: -1 } }, 'f.json')).toMatch(/rtoSeconds must be a number >= 0/);
    expect(parseObjectives([1], 'f.json')).toMatch(/must map/);
  });

  it('an unmeasured figure misses a set objective; a figure over it misses; at or under it meets', () => {
    const o = objectivesFor('x', { config: { default: { rtoSeconds: 5, rpoWrites: 0, rpoSeconds: 0 } } });
    expect(judgeObjectives(o, { rtoMs: 5000, rpoWrites: 0, rpoSeconds: 0 }).met).toBe(true);
    expect(judgeObjectives(o, { rtoMs: 5001, rpoWrites: 0, rpoSeconds: 0 }).met).toBe(false);
    expect(judgeObjectives(o, { rtoMs: null, rpoWrites: 0, rpoSeconds: 0 }).judgements[0]).toMatchObject({ met: false, measured: null });
    // a drill with no recovery phase measures no RTO: no RTO objective applies (unless its own entry sets one)
    const none = objectivesFor('replica-pause', { noRecoveryPhase: true, config: { default: { rtoSeconds: 60 } } });
    expect(judgeObjectives(none, { rtoMs: null, rpoWrites: 0, rpoSeconds: 0 })).toMatchObject({
      met: true,
      judgements: [{ met: null }, {}, {}],
    });
    const own = objectivesFor('replica-pause', { noRecoveryPhase: true, config: { 'replica-pause': { rtoSeconds: 60 } } });
    expect(judgeObjectives(own, { rtoMs: null, rpoWrites: 0, rpoSeconds: 0 }).met).toBe(false);
    expect(judgeObjectives(o, { rtoMs: 1, rpoWrites: 1, rpoSeconds: 0.5 }).judgements.map((j) => j.met)).toEqual([true, false, false]);
  });
});

describe('honest JUnit', () => {
  it('a passing drill: a testcase per phase (with its time), check, objective and the verdict, all green, with properties and a timestamp', () => {
    const r = judged({});
    expect(r.verdict).toBe('pass');
    const x = junitXml([r]);
    const cs = cases(x);
    expect(cs.map((c) => c.name)).toEqual([
      ...r.phases.map((p) => `phase ${p.name}`),
      ...r.checks.map((c) => `check ${c.name}`),
      'objective rto',
      'objective rpo-writes',
      'objective rpo-seconds',
      'verdict',
    ]);
    expect(cs.every((c) => !c.failed)).toBe(true);
    expect(cs.find((c) => c.name === 'phase restore')!.time).toBe('2.000');
    expect(attr(x, 'testsuite', 'timestamp')).toBe(r.startedAt);
    expect(attr(x, 'testsuite', 'failures')).toBe('0');
    expect(x).toContain('<property name="rto.ms" value="2700"/>');
    expect(x).toContain('<property name="objective.rto.seconds" value="900"/>');
  });

  it('a drill that loses an acknowledged write fails: the RPO objective testcase and the verdict are failures', () => {
    const r = judged({ rpo: { lostAcknowledgedWrites: 1, seconds: 0.2, node: 'restored', indeterminate: 0, method: 'ledger' } });
    expect(r.verdict).toBe('fail');
    const x = junitXml([r]);
    const failed = cases(x)
      .filter((c) => c.failed)
      .map((c) => c.name);
    expect(failed).toEqual(['objective rpo-writes', 'objective rpo-seconds', 'verdict']);
    expect(Number(attr(x, 'testsuite', 'failures'))).toBe(3);
    expect(x).toMatch(/RPO \(acknowledged writes lost\) 1 writes against objective 0 writes .*MISSED/);
  });

  it('a drill that misses its RTO objective fails although every check passed', () => {
    const r = judged({}, { 'replica-kill-restore': { rtoSeconds: 2 } });
    expect(r.checks.every((c) => c.valid)).toBe(true);
    expect(r.verdict).toBe('fail');
    const failed = cases(junitXml([r]))
      .filter((c) => c.failed)
      .map((c) => c.name);
    expect(failed).toEqual(['objective rto', 'verdict']);
  });

  it('no check ran, a drill error, an RPO never measured: each is a failing testcase, never green', () => {
    const r = judged({
      checks: [],
      error: 'topology did not start',
      rpo: { lostAcknowledgedWrites: null, seconds: null, node: 'restored', indeterminate: 0, method: 'ledger' },
      rto: { ms: null, method: 'm', phases: {} },
    });
    expect(r.verdict).toBe('fail');
    const x = junitXml([r]);
    const failed = cases(x)
      .filter((c) => c.failed)
      .map((c) => c.name);
    expect(failed).toEqual(expect.arrayContaining(['checks ran', 'drill completed', 'objective rpo-writes', 'objective rto', 'verdict']));
    expect(x).toContain('<error message="drill did not complete (fail)"');
    expect(x).toContain('topology did not start');
    expect(Number(attr(x, 'testsuite', 'errors'))).toBeGreaterThan(0);
  });

  it('a restore test that passed (no write ledger by its method): its RPO objectives are not applicable, never a failure, never met', () => {
    const rpo = { lostAcknowledgedWrites: null, seconds: null, node: 'restored', indeterminate: 0, method: 'no write ledger' };
    const r = sampleResult({ scenario: 'restore-test', verdict: 'pass', rpo: { ...rpo, notApplicable: true }, objectives: undefined });
    const rpoCases = judgementsOf(r).filter((j) => j.name.startsWith('objective rpo'));
    expect(rpoCases.map((j) => [j.name, j.ok, j.skip])).toEqual([
      ['objective rpo-writes', true, 'not-applicable'],
      ['objective rpo-seconds', true, 'not-applicable'],
    ]);
    expect(cases(junitXml([r])).filter((c) => c.failed)).toEqual([]);
    // without the method's word, an RPO never measured stays a failure
    const drill = sampleResult({ scenario: 'restore-test', verdict: 'pass', rpo, objectives: undefined });
    expect(judgementsOf(drill).filter((j) => j.name.startsWith('objective rpo') && !j.ok)).toHaveLength(2);
  });

  it('a verdict that is not pass reads red even when every other judgement is green (e.g. interrupted)', () => {
    const r = sampleResult({ verdict: 'fail' });
    expect(
      judgementsOf(r)
        .filter((j) => !j.ok)
        .map((j) => j.name),
    ).toEqual(['verdict']);
    expect(cases(junitXml([r])).find((c) => c.name === 'verdict')!.failed).toBe(true);
  });

  it('escapes what XML cannot carry', () => {
    const r = sampleResult({ checks: [{ name: 'a<b>&"c"', valid: false, details: { error: 'bad \u0001 byte <x>' } }], verdict: 'fail' });
    const x = junitXml([r]);
    expect(x).toContain('name="check a&lt;b&gt;&amp;&quot;c&quot;"');
    expect(x.includes('\u0001')).toBe(false);
  });
});

describe('Allure results', () => {
  it('a passing drill is a passed test with phases (timed), faults, checks and objectives as steps, and attachments', () => {
    const dir = mk();
    const r = judged({});
    // as in memory during a run: values may be undefined (not yet through JSON)
    r.checks.push({ name: 'with-undefined', valid: true, details: { differenceCount: 0, error: undefined, fn: () => 1 } });
    writeAllureResult(r, dir, { summary: '# s', log: 'line', ledger: sampleLedger() });
    const file = readdirSync(dir).find((f) => f.endsWith('-result.json'))!;
    const t = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    expect(t.status).toBe('passed');
    expect(t.fullName).toBe('firedrill.replica-kill-restore.mariadb-10.11');
    const names = t.steps.map((s: { name: string }) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(['phase setup', 'phase restore (recovery)', 'fault: send SIGKILL to replica-1', 'checks', 'objectives']),
    );
    const restore = t.steps.find((s: { name: string }) => s.name === 'phase restore (recovery)');
    expect(restore.stop - restore.start).toBe(2000);
    expect(t.steps.find((s: { name: string }) => s.name === 'checks').steps).toHaveLength(4);
    expect(t.attachments.map((a: { name: string }) => a.name)).toEqual(['summary.md', 'drill.log', 'ledger excerpt', 'result.json']);
    for (const a of t.attachments) expect(readdirSync(dir)).toContain(a.source);
  });

  it('a drill that loses an acknowledged write, or misses its RTO objective, is a failed (red) test with the failing step', () => {
    for (const [over, cfg, step] of [
      [
        { rpo: { lostAcknowledgedWrites: 3, seconds: 0.3, node: 'restored', indeterminate: 0, method: 'ledger' } },
        undefined,
        'objective rpo-writes',
      ],
      [{}, { 'replica-kill-restore': { rtoSeconds: 1 } }, 'objective rto'],
    ] as const) {
      const dir = mk();
      writeAllureResult(judged(over, cfg), dir);
      const t = JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('-result.json'))!), 'utf8'));
      expect(t.status).toBe('failed');
      expect(t.statusDetails.message).toContain(step);
      const objectives = t.steps.find((s: { name: string }) => s.name === 'objectives');
      expect(objectives.status).toBe('failed');
      expect(objectives.steps.find((s: { name: string }) => s.name.startsWith(step)).status).toBe('failed');
    }
  });
});
