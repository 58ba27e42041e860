import { inspect } from '../sql/index.js';
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
