/**
 * --redact: reports that leave the team carry no value, key or name from the user's data. Differences in a user
 * database lose their database and table names, their row keys and values (replaced by digests); every other string
 * of the result (observations, step names, errors, parameters) has those names replaced wherever they occur as a
 * word. Digests are HMAC-SHA256 (first 12 hex digits) under FIREDRILL_REDACT_KEY when set (the same name gets the
 * same digest in every report, so nights can be compared) or a random key per report (nothing to link, nothing to
 * guess back from a dictionary). Firedrill's own schemas (its ledger, its bulk filler) and server-level objects
 * (GTIDs, binlog files, nodes: database '*') are not user data and stay readable.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { loadConfig } from '../runtime/config.js';
import type { EvidenceResult } from './evidence.js';

/** Schemas firedrill creates itself (the workload ledger, the bulk filler). */
const FIREDRILL_SCHEMAS: ReadonlySet<string> = new Set(['drill', 'bulk', 'firedrill']);

/** firedrill's own schemas: the ledger and bulk schemas of older results, and `<ownSchema>` / `<ownSchema>_*` (config). */
function isFiredrillSchema(name: string): boolean {
  let own = 'firedrill';
  try {
    own = loadConfig().ownSchema ?? own;
  } catch {
    /* a bad config does not stop a report */
  }
  return FIREDRILL_SCHEMAS.has(name) || name === own || name.startsWith(`${own}_`) || /^firedrill_\w+$/.test(name);
}

const NAME_KEYS = new Set(['database', 'databases', 'db', 'table', 'tables', 'object', 'schema', 'column', 'columns']);
const VALUE_KEYS = new Set(['where', 'expected', 'actual', 'key', 'keys', 'row', 'rows', 'value', 'values', 'sample', 'statement']);

export interface Redactor {
  digest(value: unknown): string;
  names: Set<string>;
  keyed: boolean;
}

export function redactor(key: string | undefined = process.env.FIREDRILL_REDACT_KEY): Redactor {
  const k = key ? Buffer.from(key, 'utf8') : randomBytes(32);
  return {
    digest: (v) =>
      `#${createHmac('sha256', k)
        .update(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'))
        .digest('hex')
        .slice(0, 12)}`,
    names: new Set(),
    keyed: !!key,
  };
}

function collectNames(v: unknown, into: Set<string>, underKey?: string): void {
  if (typeof v === 'string') {
    if (underKey && NAME_KEYS.has(underKey) && v !== '*' && v.length > 0) into.add(v);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) collectNames(x, into, underKey);
    return;
  }
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collectNames(x, into, k);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The names of the user's data a result mentions (databases, tables, columns, parameters), firedrill's own left out. */
function userNamesOf(r: EvidenceResult): Set<string> {
  const names = new Set<string>();
  collectNames(
    r.checks.map((c) => c.details),
    names,
  );
  collectNames(r.observations, names);
  for (const d of r.provenance?.dataset.databases ?? []) names.add(d.db);
  for (const v of Object.values(r.params)) if (typeof v === 'string') names.add(v);
  for (const n of [...names]) {
    // "db.table" and "`db`.`table`" name both parts
    for (const part of n.replace(/`/g, '').split('.')) if (part) names.add(part);
  }
  for (const n of [...names]) if (isFiredrillSchema(n)) names.delete(n);
  return names;
}

/** Replaces every name as a word (not inside a longer identifier) by its digest. */
function wordRedactor(names: ReadonlySet<string>, red: Redactor): (s: string) => string {
  const ordered = [...names].filter((n) => n.length > 0).sort((a, b) => b.length - a.length);
  const wordRe = ordered.length ? new RegExp(`(?<![\\w$])(${ordered.map(escapeRe).join('|')})(?![\\w$])`, 'g') : null;
  return (s: string) => (wordRe ? s.replace(wordRe, (m) => red.digest(m)) : s);
}

/** Quoted text of a server log that is never the user's: numbers, GTIDs, binlog and relay-log files, key names. */
const SERVER_TOKEN = /^(?:[\d.:,-]*|[\w.-]*-bin(?:\.\d+|\.index)?|PRIMARY|OFF|ON|ROW|STATEMENT|MIXED)$/;

/**
 * A server log (a node's error or slow log) redacted like its run's result: every name of the user's data the result
 * mentions is a digest wherever it occurs as a word, and every quoted text ('…', `…`, "…": statements, row values,
 * key values, account names) is a digest unless it is firedrill's own schema or a server-level token (a number, a
 * GTID, a binlog file). In a slow log every statement line is a digest whole; its `#` header lines stay.
 */
export function redactLog(text: string, result: EvidenceResult, kind: 'error' | 'slow', red: Redactor): string {
  const words = wordRedactor(userNamesOf(result), red);
  const quoted = (line: string) =>
    line.replace(/'((?:[^'\\]|\\.)*)'|`([^`]*)`|"((?:[^"\\]|\\.)*)"/g, (m, a?: string, b?: string, c?: string) => {
      const inner = a ?? b ?? c ?? '';
      return SERVER_TOKEN.test(inner) || isFiredrillSchema(inner) ? m : `${m[0]}${red.digest(inner)}${m[0]}`;
    });
  return text
    .split('\n')
    .map((line) => {
      if (kind === 'slow' && line.trim() && !line.startsWith('#') && !/^SET timestamp=\d+;$/.test(line.trim())) return red.digest(line);
      return words(quoted(line));
    })
    .join('\n');
}

/** Returns a redacted deep copy of a result; the original is not touched. */
export function redactResult(r: EvidenceResult, red: Redactor = redactor()): EvidenceResult & { redaction: Record<string, unknown> } {
  const copy = JSON.parse(JSON.stringify(r)) as EvidenceResult;
  const names = userNamesOf(copy);
  for (const n of names) red.names.add(n);
  const text = wordRedactor(names, red);
  const deep = (v: unknown, key?: string, userDiff = false): unknown => {
    if (typeof v === 'string') {
      if (userDiff && key && (NAME_KEYS.has(key) || VALUE_KEYS.has(key))) return names.has(v) || VALUE_KEYS.has(key) ? red.digest(v) : v;
      return text(v);
    }
    if (Array.isArray(v)) return v.map((x) => deep(x, key, userDiff));
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      // A difference inside a user database: its keys and values are the user's data.
      const isUserDiff =
        typeof o['kind'] === 'string' && typeof o['database'] === 'string' && o['database'] !== '*' && !isFiredrillSchema(o['database']);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) {
        out[k] =
          isUserDiff && VALUE_KEYS.has(k) && x !== undefined && x !== null && typeof x !== 'string'
            ? red.digest(x)
            : deep(x, k, isUserDiff || userDiff);
      }
      return out;
    }
    return v;
  };
  copy.checks = copy.checks.map((c) => ({
    ...c,
    name: text(c.name),
    details: deep(c.details) as Record<string, unknown>,
    ...(c.reason ? { reason: text(c.reason) } : {}),
  }));
  copy.observations = deep(copy.observations) as Record<string, unknown>;
  copy.phases = copy.phases.map((p) => ({
    ...p,
    name: text(p.name),
    steps: p.steps.map((s) => ({ ...s, name: text(s.name), ...(s.error ? { error: text(s.error) } : {}) })),
  }));
  copy.faults = deep(copy.faults) as typeof copy.faults;
  copy.params = Object.fromEntries(
    Object.entries(copy.params).map(([k, v]) => [k, typeof v === 'string' ? red.digest(v) : v]),
  ) as typeof copy.params;
  if (copy.error) copy.error = text(copy.error);
  if (copy.cause) copy.cause = { ...copy.cause, message: text(copy.cause.message) };
  if (copy.teardownFailures) copy.teardownFailures = copy.teardownFailures.map(text);
  if (copy.provenance) {
    copy.provenance.dataset.databases = copy.provenance.dataset.databases.map((d) => ({
      ...d,
      db: isFiredrillSchema(d.db) ? d.db : red.digest(d.db),
    }));
    copy.provenance.dataset.name = text(copy.provenance.dataset.name);
    if (copy.provenance.dataset.detail) copy.provenance.dataset.detail = deep(copy.provenance.dataset.detail) as Record<string, unknown>;
    copy.provenance.command = text(copy.provenance.command);
  }
  copy.reportDir = '(redacted)';
  copy.rpo = { ...copy.rpo, method: text(copy.rpo.method) };
  return {
    ...copy,
    redaction: {
      method: 'HMAC-SHA256, first 12 hex digits',
      key: red.keyed ? 'FIREDRILL_REDACT_KEY (stable across reports)' : 'random, this report only',
      namesReplaced: names.size,
    },
  };
}
