/**
 * JUnit XML for CI dashboards: one testsuite per drill with a timestamp, its time and its figures as properties;
 * a testcase for every judgement (phases with their time, every check, every objective, the drill's error, "no checks
 * ran", the verdict). Counts are computed from the testcases themselves, so the header cannot disagree with them.
 */
import { judgementsOf, objectiveReportOf, type EvidenceResult } from './evidence.js';

const xml = (s: string) =>
  s
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // characters XML 1.0 cannot carry at all
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the ones to replace
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');

const secs = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

export function junitXml(results: readonly EvidenceResult[]): string {
  const suites = results.map((r) => suiteXml(r));
  const tests = suites.reduce((s, x) => s + x.tests, 0);
  const failures = suites.reduce((s, x) => s + x.failures, 0);
  const errors = suites.reduce((s, x) => s + x.errors, 0);
  const skipped = suites.reduce((s, x) => s + x.skipped, 0);
  const time = results.reduce((s, r) => s + r.durationMs, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="firedrill" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(time)}">\n${suites.map((s) => s.text).join('\n')}\n</testsuites>\n`;
}

function suiteXml(r: EvidenceResult): { text: string; tests: number; failures: number; errors: number; skipped: number } {
  const cls = `firedrill.${r.scenario}.${r.flavor}`;
  const js = judgementsOf(r);
  const cases = js.map((j) => {
    const time = j.startMs !== undefined && j.endMs !== undefined ? ` time="${secs(j.endMs - j.startMs)}"` : ' time="0.000"';
    const body = j.details === undefined ? '' : xml(JSON.stringify(j.details, null, 2));
    const open = `    <testcase classname="${xml(`${cls}.${j.group}`)}" name="${xml(j.name)}"${time}`;
    // a check that did not run, or that a declared limit made meaningless: never a pass in CI
    if (j.skip) return `${open}>\n      <skipped message="${xml(j.message.slice(0, 500))}"/>\n    </testcase>`;
    if (j.ok) return `${open}>\n      <system-out>${xml(j.message)}</system-out>\n    </testcase>`;
    const tag = j.error ? 'error' : 'failure';
    return `${open}>\n      <${tag} message="${xml(j.message.slice(0, 500))}" type="${j.group}">${body}</${tag}>\n    </testcase>`;
  });
  const failures = js.filter((j) => !j.ok && !j.error && !j.skip).length;
  const errors = js.filter((j) => !j.ok && j.error && !j.skip).length;
  const skipped = js.filter((j) => j.skip).length;
  const obj = objectiveReportOf(r);
  const props: Array<[string, string | number | null | undefined]> = [
    ['verdict', r.verdict],
    ['cause.kind', r.cause?.kind],
    ['cause.message', r.cause?.message],
    ['run.id', r.runId],
    ['flavor', r.flavor],
    ['rto.ms', r.rto.ms],
    ['rpo.lostAcknowledgedWrites', r.rpo.lostAcknowledgedWrites],
    ['rpo.seconds', r.rpo.seconds],
    ['rpo.indeterminate', r.rpo.indeterminate],
    ['rpo.node', r.rpo.node],
    ['objective.rto.seconds', obj.objectives.rtoSeconds],
    ['objective.rpo.writes', obj.objectives.rpoWrites],
    ['objective.rpo.seconds', obj.objectives.rpoSeconds],
    ['objectives.met', String(obj.met)],
    ...Object.entries(r.params).map(([k, v]) => [`param.${k}`, v] as [string, number]),
  ];
  const p = r.provenance;
  if (p) {
    props.push(
      ['firedrill.version', p.firedrill.version],
      ['firedrill.commit', p.firedrill.commit],
      ['engine.version', p.engine.version],
      ['image.id', p.image?.id],
      ['image.ref', p.image?.ref],
      ['host', p.host.name],
      ['dataset', p.dataset.name],
      ['dataset.bytes', p.dataset.bytes],
      ['seed', p.seed],
    );
    for (const [n, v] of Object.entries(p.servers))
      props.push([`server.${n}.version`, 'version' in v ? v.version : `unreadable: ${v.error}`]);
  }
  const properties = props
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `      <property name="${xml(k)}" value="${xml(String(v))}"/>`)
    .join('\n');
  const out = r.logFile ? `\n    <system-out>drill log: ${xml(r.logFile)}</system-out>` : '';
  const text = `  <testsuite name="${xml(`${r.scenario} (${r.flavor})`)}" timestamp="${xml(r.startedAt)}" hostname="${xml(p?.host.name ?? 'unknown')}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(r.durationMs)}">\n    <properties>\n${properties}\n    </properties>\n${cases.join('\n')}${out}\n  </testsuite>`;
  return { text, tests: cases.length, failures, errors, skipped };
}
