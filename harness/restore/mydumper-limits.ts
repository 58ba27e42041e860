/**
 * What a mydumper folder restored with myloader (Debian's 0.10.1) cannot carry, measured (docs/corpus-findings.md F16),
 * known from the recorded state alone so it is said before the restore: besides a logical dump's own limits (no
 * system-versioned history: mydumper has no --dump-history; FLOAT values as printed), the rows of MariaDB's INET6,
 * INET4 and UUID columns (myloader loads them under SET NAMES binary: the server reads the text as 16 or 4 raw bytes
 * and stores NULL), and the settings a trigger, routine or event was created under (myloader re-creates them in its
 * own session: its sql_mode, and the time zone +00:00 its files set).
 */
import type { SettingsLimit } from '../verify/index.js';

const NETWORK_TYPES =
  "myloader 0.10.1 loads a MariaDB INET6, INET4 or UUID column's values under SET NAMES binary, where the server reads the text as raw bytes: they come back NULL";

const SETTINGS_NOT_CARRIED =
  "myloader 0.10.1 re-creates triggers, routines and events in its own session: under its own sql_mode (STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION) and the time zone '+00:00' of its files, not the ones they were created under; and mydumper writes a blank at the end of each line of a body of several lines";

const ROUTINE_KINDS = /^(?:TRIGGER|PROCEDURE|FUNCTION|EVENT) /;

/** The tables whose rows a mydumper folder cannot carry (besides a logical dump's limits), from their column types. */
export function mydumperRowLimits(
  tables: ReadonlyArray<{ table: string; engine: string; types: readonly string[] }>,
): Array<{ table: string; engine: string; notCarried: 'rows'; reason: string }> {
  return tables
    .filter((t) => t.types.some((c) => /^(?:inet6|inet4|uuid)\b/i.test(c)))
    .map(({ table, engine }) => ({ table, engine, notCarried: 'rows' as const, reason: NETWORK_TYPES }));
}

const ANSI_QUOTES_NOT_LOADED =
  "myloader 0.10.1 replays a trigger's, routine's or event's text under its own sql_mode: one created under ANSI_QUOTES (its text quotes names with \"\") is a syntax error there, and myloader stops that file (a database's routines and events are one file, a table's triggers another): those files' objects are not re-created";

/** The database of an object key ("PROCEDURE db.p"), as the state writes it (db and name joined by the first dot). */
const dbOf = (key: string) => {
  const q = key.slice(key.indexOf(' ') + 1);
  return q.slice(0, q.indexOf('.'));
};
const kindOf = (key: string) => key.slice(0, key.indexOf(' '));

/**
 * The triggers, routines and events of a recorded state whose sql_mode and time zone myloader does not carry; and, when
 * one of them was created under ANSI_QUOTES, the objects myloader cannot re-create (the rest of its file: a database's
 * routines and events, or the database's triggers), with the databases whose files may fail for that reason.
 */
export function mydumperSettingsLimit(
  objects: Readonly<Record<string, string>>,
): (SettingsLimit & { failingDatabases: string[] }) | undefined {
  const keys = Object.keys(objects)
    .filter((k) => ROUTINE_KINDS.test(k))
    .sort();
  if (!keys.length) return undefined;
  const ansi = keys.filter((k) => /\n\/\* sql_mode=[^;]*\bANSI_QUOTES\b/.test(objects[k]!));
  // a routine or event fails its database's -schema-post.sql; a trigger its table's -schema-triggers.sql (the
  // state does not say which table: every trigger of the database)
  const post = new Set(ansi.filter((k) => kindOf(k) !== 'TRIGGER').map(dbOf));
  const trig = new Set(ansi.filter((k) => kindOf(k) === 'TRIGGER').map(dbOf));
  const gone = keys.filter((k) => (kindOf(k) === 'TRIGGER' ? trig : post).has(dbOf(k)));
  return {
    objects: keys,
    settings: ['sql_mode', 'time_zone'],
    reason: SETTINGS_NOT_CARRIED,
    lineEnds: true,
    ...(gone.length ? { notRecreated: { objects: gone, reason: ANSI_QUOTES_NOT_LOADED } } : {}),
    failingDatabases: [...new Set([...post, ...trig])].sort(),
  };
}

/** Whether a file myloader failed on is one the ANSI_QUOTES limit said would fail. */
export function failsByTheLimit(file: string, failingDatabases: readonly string[]): boolean {
  return failingDatabases.some(
    (db) => file === `${db}-schema-post.sql` || (file.startsWith(`${db}.`) && file.endsWith('-schema-triggers.sql')),
  );
}

/** The lines said before the restore. */
export const describeSettingsLimit = (l: SettingsLimit): string[] => [
  `limit of the method: ${l.reason}: ${l.objects.join(', ')}; their ${l.settings.join(' and ')}${l.lineEnds ? ' and blanks at line ends' : ''} are not compared, their definitions are, the rest is judged`,
  ...(l.notRecreated
    ? [`limit of the method: ${l.notRecreated.reason}: ${l.notRecreated.objects.join(', ')}; not compared, the rest is judged`]
    : []),
];
