/** What an old server holds that an upgrade can break: objects with their text, identifiers, accounts, variables. */
import type { Statement } from '../../sql/index.js';
import { inspect, upgradeSql } from '../../sql/index.js';

export interface SqlTarget {
  name?: string;
  query<T = Record<string, unknown>>(s: Statement): Promise<T[]>;
}

export interface CodeObject {
  db: string;
  name: string;
  type: string;
  body: string;
  sqlMode: string | null;
  collation: string | null;
}
interface Identifier {
  where: string;
  name: string;
  what: 'database' | 'table' | 'column' | 'routine' | 'view' | 'trigger' | 'event';
}
interface Account {
  user: string;
  host: string;
  plugin: string;
  noPassword: boolean;
  locked: boolean;
}

/** A base table, its storage engine and default collation (views are not tables here). */
interface Table {
  db: string;
  name: string;
  engine: string;
  collation: string;
}
/** A column of a base table or view with its character set (empty for a column that has none). */
interface Column {
  db: string;
  table: string;
  name: string;
  charset: string;
}
/** A plugin the server runs from a library of its plugin directory. */
interface LibraryPlugin {
  name: string;
  type: string;
  library: string;
}

export interface Inventory {
  version: string;
  variables: Map<string, string>;
  objects: CodeObject[];
  identifiers: Identifier[];
  tables: Table[];
  columns: Column[];
  accounts: Account[];
  plugins: LibraryPlugin[];
}

const str = (v: unknown) => (v === null || v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

export async function readInventory(server: SqlTarget): Promise<Inventory> {
  const [v] = await server.query<{ v: string }>(upgradeSql.version());
  const variables = new Map(
    (await server.query<{ Variable_name: string; Value: string }>(inspect.globalVariables())).map(
      (r) => [str(r.Variable_name).toLowerCase(), str(r.Value)] as const,
    ),
  );
  const objects: CodeObject[] = [];
  for (const q of [upgradeSql.routines(), upgradeSql.views(), upgradeSql.triggers(), upgradeSql.events()]) {
    for (const r of await server.query<Record<string, unknown>>(q)) {
      objects.push({
        db: str(r['db']),
        name: str(r['name']),
        type: str(r['type']),
        body: str(r['body']),
        sqlMode: r['sqlMode'] === null ? null : str(r['sqlMode']),
        collation: r['collation'] === null ? null : str(r['collation']),
      });
    }
  }
  const identifiers: Identifier[] = [];
  const tables: Table[] = [];
  const columns: Column[] = [];
  for (const r of await server.query<Record<string, unknown>>(upgradeSql.schemata()))
    identifiers.push({ where: str(r['db']), name: str(r['db']), what: 'database' });
  for (const r of await server.query<Record<string, unknown>>(upgradeSql.tables())) {
    if (str(r['type']) !== 'VIEW')
      tables.push({ db: str(r['db']), name: str(r['name']), engine: str(r['engine']), collation: str(r['collation']) });
    identifiers.push({
      where: `${str(r['db'])}.${str(r['name'])}`,
      name: str(r['name']),
      what: str(r['type']) === 'VIEW' ? 'view' : 'table',
    });
  }
  for (const r of await server.query<Record<string, unknown>>(upgradeSql.columns())) {
    identifiers.push({ where: `${str(r['db'])}.${str(r['tbl'])}.${str(r['col'])}`, name: str(r['col']), what: 'column' });
    columns.push({ db: str(r['db']), table: str(r['tbl']), name: str(r['col']), charset: str(r['charset']) });
  }
  for (const o of objects)
    if (o.type !== 'VIEW')
      identifiers.push({
        where: `${o.db}.${o.name}`,
        name: o.name,
        what: o.type === 'TRIGGER' ? 'trigger' : o.type === 'EVENT' ? 'event' : 'routine',
      });
  const accounts = (await server.query<Record<string, unknown>>(upgradeSql.accounts())).map((r) => ({
    user: str(r['user']),
    host: str(r['host']),
    plugin: str(r['plugin']),
    noPassword: Number(r['noPassword']) === 1,
    locked: Number(r['locked']) === 1,
  }));
  const plugins = (await server.query<Record<string, unknown>>(upgradeSql.libraryPlugins())).map((r) => ({
    name: str(r['name']),
    type: str(r['type']),
    library: str(r['library']),
  }));
  return { version: str(v?.v), variables, objects, identifiers, tables, columns, accounts, plugins };
}
