import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { DetectedArtifact } from './external.js';
import type { RestoreKind } from './outcome.js';
import { limitLines } from '../verify/index.js';
import { mydumperRowLimits } from './mydumper-limits.js';

/**
 * What a backup method cannot carry, known from the method and the recorded state alone, so it is said before
 * anything is restored (and the comparison judges the rest): a physical copy of a datadir holds a MEMORY table's
 * definition but none of its rows (they live in the server's memory, and are gone at every restart too); the MySQL
 * clone plugin copies InnoDB data only, so every other engine's table comes back empty; a logical dump made without
 * `--dump-history` holds a system-versioned table's current rows and none of its history.
 */
export interface CarryLimit {
  /** db.table, as the state names it. */
  table: string;
  engine: string;
  /** What does not come back: the table's rows (its definition does), or a system-versioned table's history (its
   * current rows do, and are compared). */
  notCarried: 'rows' | 'history' | 'float-precision';
  reason: string;
  /** In a drill: the nodes restored from the copy this is a limit of (their checks, and the comparisons with them,
   * are judged without it); absent: every data check of the drill. */
  nodes?: string[];
}

const MEMORY_ROWS =
  "a MEMORY table's rows live in the server's memory: a physical copy of the datadir holds its definition only (and a restart empties it too)";
const NO_HISTORY =
  'the dump was made without --dump-history (it never sets system_versioning_insert_history): a system-versioned table comes back with its current rows and none of its history';
const FLOAT_DIGITS =
  'a logical dump (mariadb-dump, mysqldump) writes FLOAT values as the server prints them, with 6 significant digits (16372.1875 as 16372.2): a FLOAT column comes back rounded';
const CLONE_INNODB_ONLY = 'the clone plugin copies InnoDB data only: a table of another engine comes back with its definition and no rows';

/** The engine of each table of a recorded state, read from its recorded definition (SHOW CREATE TABLE). */
function enginesOf(state: { tables: Record<string, unknown>; objects: Record<string, string> }): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(state.tables)) {
    const engine = /\) ENGINE=(\w+)/.exec(state.objects[`TABLE ${key}`] ?? '')?.[1];
    if (engine) out.set(key, engine);
  }
  return out;
}

/** What this backup cannot carry, table by table with the reason: rows (physical copies of MEMORY tables, a clone's
 * non-InnoDB tables) or history (a dump whose `dumpHistory` is false). */
export function carryLimits(
  artifact: { kind: DetectedArtifact['kind']; method?: string; dumpHistory?: boolean },
  restore: RestoreKind,
  state: { tables: Record<string, { type?: string; columns?: Array<{ type: string }> }>; objects: Record<string, string> } | undefined,
): CarryLimit[] {
  if (!state) return [];
  if (restore === 'load') {
    const engines = enginesOf(state);
    const tables = Object.entries(state.tables).map(([table, t]) => ({
      table,
      engine: engines.get(table) ?? '?',
      versioned: t.type === 'SYSTEM VERSIONED',
      float: (t.columns ?? []).some((c) => /^float\b/i.test(c.type)),
      types: (t.columns ?? []).map((c) => c.type),
    }));
    if (artifact.kind !== 'mydumper') return logicalDumpLimits(tables, artifact.dumpHistory);
    // mydumper has no --dump-history; myloader loses MariaDB's network types (mydumper-limits.ts)
    return [...logicalDumpLimits(tables, false), ...mydumperRowLimits(tables)].sort((a, b) => a.table.localeCompare(b.table));
  }
  return physicalCopyLimits(enginesOf(state), artifact.kind === 'mysql-clone' || artifact.method === 'clone');
}

/**
 * What a logical dump cannot carry exactly, from the tables' kinds: a FLOAT column's values (rounded to 6 digits), and
 * a system-versioned table's history unless the dump was made with --dump-history (`dumpHistory` false: known
 * without; a drill's own dump never sets it). restore-test reads the tables from the recorded state, a drill from its
 * dataset's CREATE TABLE statements.
 */
export function logicalDumpLimits(
  tables: ReadonlyArray<{ table: string; engine: string; versioned: boolean; float: boolean }>,
  dumpHistory: boolean | undefined,
): CarryLimit[] {
  const out: CarryLimit[] = [];
  for (const { table, engine, versioned, float } of tables) {
    if (dumpHistory === false && versioned) out.push({ table, engine, notCarried: 'history', reason: NO_HISTORY });
    if (float) out.push({ table, engine, notCarried: 'float-precision', reason: FLOAT_DIGITS });
  }
  return out.sort((a, b) => a.table.localeCompare(b.table));
}

/**
 * What a physical copy of a datadir cannot carry, from the tables' engines (db.table → engine): a MEMORY table's rows,
 * and with the clone plugin every non-InnoDB table's rows. restore-test reads the engines from the recorded state, a
 * drill from its dataset's CREATE TABLE statements, before anything starts.
 */
export function physicalCopyLimits(engines: ReadonlyMap<string, string>, clone: boolean): CarryLimit[] {
  const out: CarryLimit[] = [];
  for (const [table, engine] of engines) {
    const e = engine.toUpperCase();
    if (clone && e !== 'INNODB') out.push({ table, engine, notCarried: 'rows', reason: CLONE_INNODB_ONLY });
    else if (e === 'MEMORY') out.push({ table, engine, notCarried: 'rows', reason: MEMORY_ROWS });
  }
  return out.sort((a, b) => a.table.localeCompare(b.table));
}

const JUDGED: Record<CarryLimit['notCarried'], string> = {
  rows: 'their rows are not compared',
  history: 'their current rows are compared, not their history',
  'float-precision': 'their rows are counted, their values not compared',
};

/** One line per reason, for the progress output before the restore. */
export const describeLimits = (limits: readonly CarryLimit[]): string[] => limitLines('method', limits, (l) => JUDGED[l.notCarried]);

/** The statement mariadb-dump --dump-history writes before a versioned table's rows, at a line's start (the bare
 * variable name also occurs in the help tables' text of a whole-server dump). */
const HISTORY_MARK = '\n/*M!101100 SET @old_system_versioning_insert_history=';

/**
 * Whether a dump file carries system-versioned history (mariadb-dump --dump-history sets
 * system_versioning_insert_history before such a table's rows): read as a stream (plain or gzip); undefined when it
 * cannot be told (another compression).
 */
export async function dumpCarriesHistory(path: string, compression: string | undefined): Promise<boolean | undefined> {
  if (compression && compression !== 'gzip' && compression !== 'none') return undefined;
  const raw = createReadStream(path);
  const stream = compression === 'gzip' ? raw.pipe(createGunzip()) : raw;
  let tail = '';
  try {
    for await (const chunk of stream) {
      const text = tail + (chunk as Buffer).toString('latin1');
      if (text.includes(HISTORY_MARK)) return true;
      tail = text.slice(-HISTORY_MARK.length);
    }
    return false;
  } finally {
    raw.destroy();
  }
}
