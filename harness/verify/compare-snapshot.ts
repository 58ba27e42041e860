import { check, type CheckResult, type Difference } from './check.js';
import type { Snapshot } from './snapshot.js';

const split = (key: string) => { const i = key.indexOf('.'); return { database: key.slice(0, i), object: key.slice(i + 1) }; };

/** CHECK TABLE is clean on every table of the snapshot. */
export function tablesHealthy(s: Snapshot, name = 'check-table'): CheckResult {
  const diffs: Difference[] = [];
  for (const [key, t] of Object.entries(s.tables)) {
    if (!t.checkOk) diffs.push({ ...split(key), kind: 'check-table-error', actual: t.checkMessages });
  }
  return check(name, diffs, { tablesChecked: Object.keys(s.tables).length });
}

/** CHECKSUM TABLE equal table by table; a table missing on either side, or without a checksum, is a difference. */
export function checksumsEqual(expected: Snapshot, actual: Snapshot, name = 'checksum-table'): CheckResult {
  const diffs: Difference[] = [];
  const keys = new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)]);
  for (const key of [...keys].sort()) {
    const e = expected.tables[key];
    const a = actual.tables[key];
    if (!a) diffs.push({ ...split(key), kind: 'table-missing' });
    else if (!e) diffs.push({ ...split(key), kind: 'table-unexpected' });
    else if (e.checksum === null || a.checksum === null) diffs.push({ ...split(key), kind: 'checksum-unavailable', expected: e.checksum, actual: a.checksum });
    else if (e.checksum !== a.checksum) diffs.push({ ...split(key), kind: 'checksum-differs', expected: e.checksum, actual: a.checksum });
  }
  return check(name, diffs, { tablesCompared: keys.size });
}

/** First line at which two definitions differ, for a readable report. */
export function firstDifferentLine(a: string, b: string): { line: number; expected: string; actual: string } {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return { line: i + 1, expected: al[i] ?? '<end>', actual: bl[i] ?? '<end>' };
  }
  return { line: 0, expected: '', actual: '' };
}

/** Every schema object present on both sides with the same definition. */
export function compareObjects(expected: Record<string, string>, actual: Record<string, string>, name = 'schema-objects'): CheckResult {
  const diffs: Difference[] = [];
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const key of [...keys].sort()) {
    const sp = key.indexOf(' ');
    const kind = key.slice(0, sp);
    const { database, object } = kind === 'DATABASE' ? { database: key.slice(sp + 1), object: key.slice(sp + 1) } : split(key.slice(sp + 1));
    const e = expected[key];
    const a = actual[key];
    if (a === undefined) diffs.push({ database, object, kind: `${kind.toLowerCase()}-missing` });
    else if (e === undefined) diffs.push({ database, object, kind: `${kind.toLowerCase()}-unexpected` });
    else if (e !== a) {
      const d = firstDifferentLine(e, a);
      diffs.push({ database, object, kind: `${kind.toLowerCase()}-definition-differs`, where: `line ${d.line}`, expected: d.expected, actual: d.actual });
    }
  }
  return check(name, diffs, { objectsCompared: keys.size });
}

/** All three snapshot checks at once. */
export function compareSnapshots(expected: Snapshot, actual: Snapshot): CheckResult[] {
  return [tablesHealthy(actual), checksumsEqual(expected, actual), compareObjects(expected.objects, actual.objects)];
}
