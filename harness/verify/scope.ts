import { inspect } from '../sql/index.js';
import type { Column } from '../sql/inspect.js';
import type { Queryable } from './check.js';

export interface TableInfo {
  database: string;
  name: string;
  type: 'BASE TABLE' | 'VIEW' | string;
  engine: string | null;
}

/** The databases in scope: the ones asked for, or every non-system database. */
export async function databasesInScope(q: Queryable, only?: readonly string[]): Promise<string[]> {
  const all = (await q.query<{ name: string }>(inspect.listDatabases())).map((r) => r.name);
  return only?.length ? only.filter((d) => all.includes(d)) : all;
}

export async function tablesOf(q: Queryable, db: string): Promise<TableInfo[]> {
  const rows = await q.query<{ name: string; type: string; engine: string | null }>(inspect.listTables(db));
  return rows.map((r) => ({ database: db, name: r.name, type: r.type, engine: r.engine }));
}

/** Tables that hold data: base tables, sequences (MariaDB) and system-versioned tables (MariaDB); views aside. */
export async function dataTables(q: Queryable, dbs: readonly string[]): Promise<TableInfo[]> {
  const out: TableInfo[] = [];
  for (const db of dbs) out.push(...(await tablesOf(q, db)).filter((t) => t.type !== 'VIEW' && t.type !== 'SYSTEM VIEW'));
  return out;
}

/** Base tables only (no views, sequences or system-versioned tables): what restore-test inventories by row count. */
export async function baseTables(q: Queryable, dbs: readonly string[]): Promise<TableInfo[]> {
  const out: TableInfo[] = [];
  for (const db of dbs) out.push(...(await tablesOf(q, db)).filter((t) => t.type === 'BASE TABLE'));
  return out;
}

/** Rows of an information_schema query over several databases, grouped by `db.table` in the query's order. */
async function byTable<R extends { db: string; tbl: string }>(rows: Promise<R[]>): Promise<Map<string, Omit<R, 'db' | 'tbl'>[]>> {
  const out = new Map<string, Omit<R, 'db' | 'tbl'>[]>();
  for (const r of await rows) {
    const { db, tbl, ...rest } = r;
    const k = `${db}.${tbl}`;
    const list = out.get(k) ?? [];
    if (!list.length) out.set(k, list);
    list.push(rest);
  }
  return out;
}

/**
 * Columns of every table of the databases, by `db.table`, in one query (not one per table: 10,000 tables are one
 * information_schema read).
 */
export async function columnsByTable(q: Queryable, dbs: readonly string[]): Promise<Map<string, Column[]>> {
  if (!dbs.length) return new Map();
  return byTable(q.query<Column & { db: string; tbl: string }>(inspect.listColumnsOf(dbs)));
}

/** Primary key column names of every table of the databases, by `db.table`, in key order, in one query. */
export async function primaryKeysByTable(q: Queryable, dbs: readonly string[]): Promise<Map<string, string[]>> {
  if (!dbs.length) return new Map();
  const m = await byTable(q.query<{ db: string; tbl: string; name: string }>(inspect.primaryKeysOf(dbs)));
  return new Map([...m].map(([k, v]) => [k, v.map((c) => String(c.name))]));
}
