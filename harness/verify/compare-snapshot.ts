import { check, type CheckResult, type Difference } from './check.js';
import { type ComparisonContext, type Explained, explainDefinition, explainMangledNames, ruleFinding } from './equivalence.js';
import { UNREADABLE, type Snapshot } from './snapshot.js';

/** A system-versioned table whose current rows (history aside) differ: said beside its `history-differs`. */
export const CURRENT_ROWS_DIFFER = 'current-rows-differ';

const split = (key: string) => {
  const i = key.indexOf('.');
  return { database: key.slice(0, i), object: key.slice(i + 1) };
};

/** CHECK TABLE is clean on every table of the snapshot; a table its engine cannot check is listed as unchecked. */
export function tablesHealthy(s: Snapshot, name = 'check-table'): CheckResult {
  const diffs: Difference[] = [];
  const unchecked: string[] = [];
  for (const [key, t] of Object.entries(s.tables)) {
    if (t.checkUnsupported) unchecked.push(key);
    else if (!t.checkOk) diffs.push({ ...split(key), kind: 'check-table-error', actual: t.checkMessages });
  }
  return check(name, diffs, { tablesChecked: Object.keys(s.tables).length - unchecked.length, ...uncheckedDetails(unchecked) });
}

/** The tables CHECK TABLE could not check (their engine cannot), said in a check's details: never counted as checked. */
export const uncheckedDetails = (tables: readonly string[]) =>
  tables.length
    ? { tablesUnchecked: [...tables], uncheckedReason: 'the storage engine does not support CHECK TABLE (MEMORY, SEQUENCE): not checked' }
    : {};

/**
 * Every table's data equal: equal CHECKSUM TABLE values settle a table (fast path); otherwise the rows' own
 * fingerprints decide (a checksum mismatch the rows refute is noted, never a difference). A table missing on either
 * side, or whose rows could not be read where the checksum does not settle it, is a difference. Snapshots taken
 * before row fingerprints existed fall back to the checksum alone.
 */
const sameFingerprint = (a: { n: string; x: string; s: string }, b: { n: string; x: string; s: string }) =>
  a.n === b.n && a.x === b.x && a.s === b.s;

export function checksumsEqual(expected: Snapshot, actual: Snapshot, name = 'checksum-table'): CheckResult {
  const diffs: Difference[] = [];
  const refuted: string[] = [];
  const keys = new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)]);
  for (const key of [...keys].sort()) {
    const e = expected.tables[key];
    const a = actual.tables[key];
    if (!a) {
      diffs.push({ ...split(key), kind: 'table-missing' });
      continue;
    }
    if (!e) {
      diffs.push({ ...split(key), kind: 'table-unexpected' });
      continue;
    }
    const checksumEqual = e.checksum !== null && e.checksum === a.checksum;
    if (checksumEqual && e.type !== 'SYSTEM VERSIONED') continue;
    if (e.rows === undefined) {
      // An older snapshot without row fingerprints: the checksum is all there is.
      if (e.checksum === null || a.checksum === null)
        diffs.push({ ...split(key), kind: 'checksum-unavailable', expected: e.checksum, actual: a.checksum });
      else if (!checksumEqual) diffs.push({ ...split(key), kind: 'checksum-differs', expected: e.checksum, actual: a.checksum });
      continue;
    }
    if (!e.rows || !a.rows) {
      diffs.push({ ...split(key), kind: 'rows-not-readable', expected: e.rows, actual: a.rows });
      continue;
    }
    if (e.rows.n !== a.rows.n || e.rows.x !== a.rows.x || e.rows.s !== a.rows.s) {
      diffs.push({
        ...split(key),
        kind: e.type === 'SYSTEM VERSIONED' ? 'history-differs' : e.type === 'SEQUENCE' ? 'sequence-state-differs' : 'rows-differ',
        expected: { rows: e.rows.n, checksum: e.checksum },
        actual: { rows: a.rows.n, checksum: a.checksum },
      });
      // the current rows apart, so that a judge who sets the history aside (a method that cannot carry it) still sees them
      if (e.current && a.current && !sameFingerprint(e.current, a.current))
        diffs.push({ ...split(key), kind: CURRENT_ROWS_DIFFER, expected: { rows: e.current.n }, actual: { rows: a.current.n } });
    } else if (!checksumEqual) refuted.push(key);
  }
  return check(name, diffs, { tablesCompared: keys.size, checksumMismatchesRefutedByRows: refuted });
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

/**
 * Every schema object present on both sides with the same definition. A difference a comparison rule explains (an
 * event a replica shows as DISABLE ON SLAVE) is not one: it is listed under `explained` with its finding.
 */
export function compareObjects(
  expected: Record<string, string>,
  actual: Record<string, string>,
  name = 'schema-objects',
  context: ComparisonContext = {},
): CheckResult {
  const diffs: Difference[] = [];
  const explained: Explained[] = [];
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  // a routine the copy holds under its name's bytes read as latin1 once more (rule mangled-routine-name): explained
  const renamed = explainMangledNames(
    expected,
    actual,
    [...keys].filter((k) => !(k in actual)),
    [...keys].filter((k) => !(k in expected)),
  );
  for (const {
    keys: [e, a],
    rule,
  } of renamed) {
    const { database, object } = split(e.slice(e.indexOf(' ') + 1));
    const kind = e.slice(0, e.indexOf(' ')).toLowerCase();
    explained.push({
      database,
      object,
      kind: `${kind}-missing`,
      ...ruleFinding(rule),
      expected: object,
      actual: split(a.slice(a.indexOf(' ') + 1)).object,
    });
  }
  const paired = new Set(renamed.flatMap((r) => r.keys));
  for (const key of [...keys].sort()) {
    if (paired.has(key)) continue;
    const sp = key.indexOf(' ');
    const kind = key.slice(0, sp);
    const { database, object } =
      kind === 'DATABASE' ? { database: key.slice(sp + 1), object: key.slice(sp + 1) } : split(key.slice(sp + 1));
    const e = expected[key];
    const a = actual[key];
    if (a === undefined) diffs.push({ database, object, kind: `${kind.toLowerCase()}-missing` });
    else if (e === undefined) diffs.push({ database, object, kind: `${kind.toLowerCase()}-unexpected` });
    else if (e.startsWith(UNREADABLE) || a.startsWith(UNREADABLE)) {
      // What could not be read was not compared: never "equal", even when both sides failed alike.
      diffs.push({
        database,
        object,
        kind: `${kind.toLowerCase()}-definition-not-readable`,
        expected: e.startsWith(UNREADABLE) ? e : '(read)',
        actual: a.startsWith(UNREADABLE) ? a : '(read)',
      });
    } else if (e !== a) {
      const why = explainDefinition(kind, e, a, undefined, context);
      if (why) {
        // A change replication or a restore makes (fixtures/comparison-rules/): explained, with what it means.
        explained.push({
          database,
          object,
          kind: `${kind.toLowerCase()}-definition-differs`,
          rule: why.rule.id,
          severity: why.severity,
          finding: why.finding,
          advice: why.rule.advice,
          cite: why.rule.cite,
          expected: why.expected,
          actual: why.actual,
        });
        continue;
      }
      const d = firstDifferentLine(e, a);
      diffs.push({
        database,
        object,
        kind: `${kind.toLowerCase()}-definition-differs`,
        where: `line ${d.line}`,
        expected: d.expected,
        actual: d.actual,
      });
    }
  }
  return check(name, diffs, { objectsCompared: keys.size, ...(explained.length ? { explained } : {}) });
}

/** All three snapshot checks at once. */
export function compareSnapshots(expected: Snapshot, actual: Snapshot): CheckResult[] {
  return [tablesHealthy(actual), checksumsEqual(expected, actual), compareObjects(expected.objects, actual.objects)];
}
