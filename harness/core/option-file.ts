/**
 * The one reader of MySQL/MariaDB option files (my.cnf) as text, the server's way: `[group]` lines (any case), options
 * as `name`, `name = value` (quotes around a value removed, `#` starting a comment outside quotes), `#` and `;`
 * comment lines, `!include FILE` and `!includedir DIR`. One normalisation of names everywhere: lower case, `_` and
 * `-` the same (written `-`), `loose-` a prefix that turns an unknown option into a warning. Pure text: following an
 * include (reading files) is the runtime's (harness/runtime/option-file.ts).
 */
import { UsageError } from './errors.js';

/** An option line, and the group it is in. */
export interface OptionLine {
  /** 1-based line in its file. */
  line: number;
  /** The group, lower case (`mysqld`, `mariadb-10.11`); '' before any group. */
  group: string;
  /** The name as written (`loose_innodb_io_capacity`). */
  raw: string;
  /** Canonical: lower case, dashes, without its `loose-` prefix (`innodb-io-capacity`). */
  name: string;
  loose: boolean;
  /** The value without quotes or comment; undefined for a bare option (`skip-name-resolve`). */
  value?: string;
  /** The whole line as written, trimmed. */
  text: string;
}

type OptionFileEntry =
  | ({ kind: 'option' } & OptionLine)
  | { kind: 'group'; line: number; group: string; text: string }
  | { kind: 'include'; line: number; directive: '!include' | '!includedir'; target: string; text: string };

export interface ParsedOptionText {
  /** Groups, options and includes in the file's order. */
  entries: OptionFileEntry[];
  /** Lines the server would refuse (an option before any group, a line that is not an option). */
  problems: Array<{ line: number; message: string }>;
}

const OPTION = /^([A-Za-z0-9_.-]+)\s*(?:=\s*(.*))?$/;

/** `name = value`'s value the server's way: quotes removed, a `#` outside them starts a comment. */
function optionValue(rest: string): string {
  const q = rest[0];
  if (q === '"' || q === "'") {
    const end = rest.indexOf(q, 1);
    if (end > 0 && /^\s*(?:#.*)?$/.test(rest.slice(end + 1))) return rest.slice(1, end);
  }
  const hash = rest.indexOf('#');
  return (hash < 0 ? rest : rest.slice(0, hash)).trim();
}

/** The canonical name of an option as written (dashes, lower case) and whether it had the `loose-` prefix. */
function optionName(raw: string): { name: string; loose: boolean } {
  const n = raw.trim().toLowerCase().replace(/_/g, '-');
  return n.startsWith('loose-') ? { name: n.slice(6), loose: true } : { name: n, loose: false };
}

export function parseOptionText(text: string): ParsedOptionText {
  const entries: OptionFileEntry[] = [];
  const problems: ParsedOptionText['problems'] = [];
  let group = '';
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = i + 1;
    const t = raw.trim();
    if (!t || t.startsWith('#') || t.startsWith(';')) continue;
    const inc = /^(!include|!includedir)\s+(.+)$/.exec(t);
    if (inc) {
      entries.push({ kind: 'include', line, directive: inc[1] as '!include' | '!includedir', target: inc[2]!.trim(), text: t });
      continue;
    }
    if (t.startsWith('!')) {
      problems.push({ line, message: `not an option line: ${t}` });
      continue;
    }
    const g = /^\[([^\]]+)\]\s*(?:#.*)?$/.exec(t);
    if (g) {
      group = g[1]!.trim().toLowerCase();
      entries.push({ kind: 'group', line, group, text: `[${g[1]!.trim()}]` });
      continue;
    }
    const hashAt = t.indexOf('#');
    const head = hashAt >= 0 && !t.slice(0, hashAt).includes('=') ? t.slice(0, hashAt).trim() : t;
    const m = OPTION.exec(head);
    if (!m) {
      problems.push({ line, message: `not an option line: ${t}` });
      continue;
    }
    if (!group) problems.push({ line, message: `an option before any [group]: ${t}` });
    entries.push({
      kind: 'option',
      line,
      group,
      raw: m[1]!,
      ...optionName(m[1]!),
      value: m[2] === undefined ? undefined : optionValue(m[2]),
      text: t,
    });
  }
  return { entries, problems };
}

/** The options of parsed text, in order. */
export const optionsOf = (p: ParsedOptionText): OptionLine[] =>
  p.entries.flatMap((e) =>
    e.kind === 'option' ? [{ line: e.line, group: e.group, raw: e.raw, name: e.name, loose: e.loose, value: e.value, text: e.text }] : [],
  );

/**
 * One option file that firedrill copies whole into a container (`--server-config`): includes and lines the server
 * would refuse are bad input (exit 2), naming the file and line.
 */
export function parseSingleOptionFile(text: string, path: string): ParsedOptionText {
  const p = parseOptionText(text);
  const inc = p.entries.find((e) => e.kind === 'include');
  const first = [
    ...p.problems,
    ...(inc ? [{ line: inc.line, message: `${inc.directive} is not supported: put the included options into this one file` }] : []),
  ].sort((a, b) => a.line - b.line)[0];
  if (first) throw new UsageError(`--server-config ${path}:${first.line}: ${first.message}`);
  return p;
}

/** Groups a server reads: mysqld, server, mariadb, mariadbd, galera, and the version-suffixed ones ([mariadb-10.11]). */
const SERVER_GROUP = /^(mysqld|server|mariadb|mariadbd|galera|mysqld-\d+(\.\d+)*|mariadb-\d+(\.\d+)*|mariadbd-\d+(\.\d+)*)$/;
export const isServerGroup = (group: string): boolean => SERVER_GROUP.test(group.toLowerCase());

/** Options whose `skip-` form is the option's own name, not "this option OFF". */
const SKIP_IS_THE_NAME = new Set(['slave-start', 'replica-start', 'name-resolve', 'networking', 'grant-tables']);

/**
 * The canonical name of an option and the value a prefix implies: `loose-` dropped, `skip-x`/`disable-x` are x=OFF,
 * `enable-x` is x=ON (or its value); quotes around the value removed.
 */
export function canonicalOption(raw: string, value: string | undefined): { name: string; value: string } {
  let n = optionName(raw).name;
  let v = value?.trim();
  if (v !== undefined && /^(["']).*\1$/.test(v)) v = v.slice(1, -1);
  const m = /^(skip|disable|enable)-(.+)$/.exec(n);
  if (m && !SKIP_IS_THE_NAME.has(m[2]!)) {
    n = m[2]!;
    v = m[1] === 'enable' ? (v ?? 'ON') : 'OFF';
  }
  return { name: n, value: v ?? 'ON' };
}

/** The system variable an option sets, the server's way of writing it: `skip-x`, `enable-x`, `disable-x`, `maximum-x` name x. */
export const variableOf = (name: string): string =>
  optionName(name)
    .name.replace(/^(skip|enable|disable|maximum)-/, '')
    .replace(/-/g, '_');
