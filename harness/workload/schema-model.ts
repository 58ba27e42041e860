import { datasetSql, type Statement } from '../sql/index.js';
import type { ColumnModel, TableModel } from './generate.js';

interface Q {
  query<T = Record<string, unknown>>(s: Statement): Promise<T[]>;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Reads the tables of `dbs` as the generator needs them: columns, unique keys, foreign keys (from information_schema). */
export async function readTableModels(q: Q, dbs: readonly string[]): Promise<TableModel[]> {
  if (!dbs.length) return [];
  const tables = new Map<string, TableModel>();
  const get = (db: string, name: string) => {
    const k = `${db}.${name}`;
    let t = tables.get(k);
    if (!t) {
      t = { db, name, columns: [], uniques: [], foreignKeys: [] };
      tables.set(k, t);
    }
    return t;
  };
  for (const r of await q.query<Record<string, unknown>>(datasetSql.columnsOf(dbs))) {
    const extra = String(r['extra'] ?? '').toLowerCase();
    const c: ColumnModel = {
      name: String(r['name']),
      dataType: String(r['dataType']).toLowerCase(),
      columnType: String(r['columnType']),
      nullable: r['nullable'] === 'YES',
      maxLength: num(r['maxLength']),
      precision: num(r['numPrecision']),
      scale: num(r['numScale']),
      fsp: num(r['fsp']),
      charset: r['charset'] === null ? null : String(r['charset']),
      autoIncrement: extra.includes('auto_increment'),
      generated: /virtual|stored|persistent/.test(extra),
    };
    get(String(r['db']), String(r['tbl'])).columns.push(c);
  }
  const uniq = new Map<string, string[]>();
  for (const r of await q.query<Record<string, unknown>>(datasetSql.uniqueKeysOf(dbs))) {
    const k = `${r['db']}.${r['tbl']}\0${r['idx']}`;
    if (!uniq.has(k)) uniq.set(k, []);
    uniq.get(k)!.push(String(r['col']));
  }
  for (const [k, cols] of uniq) {
    const [t, idx] = k.split('\0') as [string, string];
    const model = tables.get(t);
    if (!model) continue;
    if (idx === 'PRIMARY') model.uniques.unshift(cols);
    else model.uniques.push(cols);
  }
  const fks = new Map<string, { t: string; columns: string[]; refDb: string; refTable: string; refColumns: string[] }>();
  for (const r of await q.query<Record<string, unknown>>(datasetSql.foreignKeysOf(dbs))) {
    const t = `${r['db']}.${r['tbl']}`;
    const k = `${t}\0${r['fk']}`;
    if (!fks.has(k)) fks.set(k, { t, columns: [], refDb: String(r['refDb']), refTable: String(r['refTbl']), refColumns: [] });
    const f = fks.get(k)!;
    f.columns.push(String(r['col']));
    f.refColumns.push(String(r['refCol']));
  }
  for (const f of fks.values())
    tables.get(f.t)?.foreignKeys.push({ columns: f.columns, refDb: f.refDb, refTable: f.refTable, refColumns: f.refColumns });
  for (const r of await q.query<{ db: string; tbl: string; clause: string }>(datasetSql.checkConstraintsOf(dbs))) {
    const m = /^json_valid\(`?([^`)]+)`?\)$/i.exec(String(r.clause).trim());
    const c = m ? tables.get(`${r.db}.${r.tbl}`)?.columns.find((x) => x.name === m[1]) : undefined;
    if (c) c.dataType = 'json';
  }
  return [...tables.values()];
}
