import { galeraSql } from '../sql/index.js';
import type { CheckResult, Difference, Queryable } from './check.js';
import { CURRENT_ROWS_DIFFER } from './compare-snapshot.js';
import { databasesInScope, dataTables, type TableInfo } from './scope.js';

/**
 * What a path cannot carry, known from the path and the tables' engines alone, so it is said before the comparison
 * and the comparison judges the rest: Galera replicates InnoDB rows only (MyISAM and Aria when wsrep_mode says so;
 * MEMORY never). A physical copy's limits (MEMORY rows, a clone's non-InnoDB rows) are restore/method-limits.ts's;
 * judgeNotCarried judges a comparison without any of them. The tables' definitions still travel and are compared.
 */
export interface PathLimit {
  /** db.table */
  table: string;
  engine: string;
  reason: string;
}

const GALERA_ENGINES =
  'Galera replicates the rows of InnoDB tables only (MariaDB Galera Cluster, Known Limitations): writes to a table of another engine stay on the node that made them, unless wsrep_mode has REPLICATE_MYISAM / REPLICATE_ARIA for those engines';

const upper = (t: TableInfo) => (t.engine ?? '').toUpperCase();
const key = (t: TableInfo) => `${t.database}.${t.name}`;
const sorted = (l: PathLimit[]) => l.sort((a, b) => a.table.localeCompare(b.table));

/** The tables whose rows a Galera cluster does not replicate, given the node's wsrep_mode (sequences aside: theirs is InnoDB state). */
export function galeraLimits(tables: readonly TableInfo[], wsrepMode: string): PathLimit[] {
  const mode = new Set(wsrepMode.toUpperCase().split(','));
  const carried = (e: string) =>
    e === 'INNODB' || e === 'SEQUENCE' || (e === 'MYISAM' && mode.has('REPLICATE_MYISAM')) || (e === 'ARIA' && mode.has('REPLICATE_ARIA'));
  return sorted(
    tables
      .filter((t) => t.type !== 'SEQUENCE' && t.engine && !carried(upper(t)))
      .map((t) => ({ table: key(t), engine: t.engine!, reason: GALERA_ENGINES })),
  );
}

/** What a Galera member does not replicate of the node's databases (read from the node: engines and wsrep_mode). */
export async function galeraPathLimits(node: Queryable): Promise<PathLimit[]> {
  const [row] = await node.query<{ mode: string | null }>(galeraSql.wsrepMode());
  return galeraLimits(await dataTables(node, await databasesInScope(node)), row?.mode ?? '');
}

/** What Galera refuses of a sequence (MariaDB ≥ 10.11: MDEV-27862); the server's own words, ERROR 1235. */
export const GALERA_SEQUENCE_REFUSAL =
  "a Galera cluster refuses CREATE SEQUENCE with a CACHE unless INCREMENT BY 0 (ERROR 1235: This version of MariaDB doesn't yet support 'CACHE without INCREMENT BY 0 in Galera cluster'; MariaDB MDEV-27862: a cached sequence would hand out values Galera does not replicate)";

/**
 * The sequences a Galera cluster refuses to create (`db.s (INCREMENT BY 5, CACHE 10)`), read from the dataset's
 * CREATE SEQUENCE options before anything starts: CACHE > 0 with an INCREMENT other than 0 (F21).
 */
export function galeraRefusedSequences(sequences: Readonly<Record<string, { increment: number; cache: number }>>): string[] {
  return Object.entries(sequences)
    .filter(([, o]) => o.cache !== 0 && o.increment !== 0)
    .map(([name, o]) => `${name} (INCREMENT BY ${o.increment}, CACHE ${o.cache})`)
    .sort();
}

/** One line per reason (`limit of the method|path: <reason>: db.t (ENGINE), …; <how judged>, the rest is judged`). */
export const limitLines = <L extends PathLimit>(of: 'method' | 'path', limits: readonly L[], judged: (l: L) => string): string[] =>
  [...new Set(limits.map((l) => l.reason))].map((r) => {
    const these = limits.filter((l) => l.reason === r);
    return `limit of the ${of}: ${r}: ${these.map((l) => `${l.table} (${l.engine})`).join(', ')}; ${judged(these[0]!)}, the rest is judged`;
  });

/** One line per reason, said before the comparison. */
export const describePathLimits = (limits: readonly PathLimit[]): string[] =>
  limitLines('path', limits, () => 'their rows are not compared (not carried)');

/** Differences about a table's rows (not its presence, type or definition). */
const ROW_KINDS = new Set([
  'chunk-differs',
  'row-missing',
  'row-unexpected',
  'row-differs',
  'rows-differ',
  'rows-differ-no-primary-key',
  'rows-differ-history-included',
  'checksum-differs',
  CURRENT_ROWS_DIFFER,
  'history-differs',
]);

/** What a limit leaves uncompared of a table: its rows, its history (current rows still compared), or its FLOAT values
 * (rows still counted). */
export type NotCarried = 'rows' | 'history' | 'float-precision';

const HISTORY_KINDS = new Set(['history-differs', 'rows-differ-history-included']);
const field = (v: unknown, k: string) => (v && typeof v === 'object' && k in v ? String((v as Record<string, unknown>)[k]) : undefined);
/** A difference in values only: a named row that differs, or a set of rows with as many rows on both sides (counted,
 * or as many only on one side as only on the other: a multiset compared). */
const valuesOnly = (d: Difference) =>
  d.kind === 'row-differs' ||
  (ROW_KINDS.has(d.kind) &&
    ((field(d.expected, 'rows') !== undefined && field(d.expected, 'rows') === field(d.actual, 'rows')) ||
      (field(d.expected, 'rowsOnlyOnSource') !== undefined &&
        field(d.expected, 'rowsOnlyOnSource') === field(d.actual, 'rowsOnlyOnTarget'))));

/** Whether a limit of this kind sets this difference aside. */
const setsAside = (what: NotCarried, d: Difference) =>
  what === 'rows' ? ROW_KINDS.has(d.kind) : what === 'history' ? HISTORY_KINDS.has(d.kind) : valuesOnly(d);

const NOT_COMPARED: Record<NotCarried, string> = {
  rows: 'rows not carried by the path, not compared',
  history: 'history not carried by the method, current rows compared',
  'float-precision': 'FLOAT values rounded by the method, rows counted',
};

/**
 * The data check judged without what the path does not carry: a table's row differences (`rows`, the default), its
 * history differences (`history`: a difference of its current rows still counts), or its differences in values with
 * as many rows on both sides (`float-precision`) are set aside and the tables listed as not carried (a warning in the
 * details); any other difference still fails the check. Other checks are returned as they are.
 */
export function judgeNotCarried(
  checks: readonly CheckResult[],
  limits: ReadonlyArray<PathLimit & { notCarried?: NotCarried }>,
  dataCheck = /(^|-)data$/,
): CheckResult[] {
  if (!limits.length) return [...checks];
  const what = (l: { notCarried?: NotCarried }) => l.notCarried ?? 'rows';
  return checks.map((c) => {
    if (!dataCheck.test(c.name)) return c;
    const all = (c.details['differences'] as Difference[] | undefined) ?? [];
    const kept = all.filter((d) => !limits.some((l) => l.table === `${d.database}.${d.object}` && setsAside(what(l), d)));
    const setAside = all.length - kept.length;
    const warnings = (Object.keys(NOT_COMPARED) as NotCarried[])
      .map((k) => [k, limits.filter((l) => what(l) === k).map((l) => l.table)] as const)
      .filter(([, tables]) => tables.length)
      .map(([k, tables]) => `${NOT_COMPARED[k]}: ${[...new Set(tables)].join(', ')}`);
    return {
      ...c,
      valid: c.valid || (c.status !== 'skipped' && kept.length === 0 && c.details['differenceCount'] === all.length),
      details: {
        ...c.details,
        differenceCount: Number(c.details['differenceCount'] ?? all.length) - setAside,
        differences: kept,
        notCarried: limits.map((l) => ({
          table: l.table,
          engine: l.engine,
          reason: l.reason,
          ...(what(l) !== 'rows' ? { what: what(l) } : {}),
        })),
        warning: warnings.join('; '),
      },
    };
  });
}
