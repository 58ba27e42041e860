import { qualified, quoteId } from '../inspect.js';
import type { Caps } from './caps.js';
import type { TableCase } from './model.js';
import { shapeOf, type TableShape } from './shapes.js';

/** A value as a SQL literal: strings with backslash escapes (the session sql_mode of a dump), Buffers as X'..', WKT as geometry. */
export function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Buffer.isBuffer(v)) return v.length ? `X'${v.toString('hex')}'` : "''";
  if (typeof v === 'object' && 'wkt' in v) return `ST_GeomFromText(${literal(String((v as { wkt: string }).wkt))})`;
  const esc: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\0': '\\0', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z' };
  const s = Array.from(String(v), (ch) => esc[ch] ?? ch).join('');
  return `'${s}'`;
}

/** Replaces `{n}` with the n-th column's quoted name, `{t}` with the table, `{period}` with the period's name. */
function fill(text: string, t: TableCase): string {
  return text
    .replace(/\{(\d+)\}/g, (_, n: string) => quoteId(t.columns[Number(n)]!))
    .replace(/\{t\}/g, qualified(t.db, t.name))
    .replace(/\{period\}/g, quoteId(`${t.name.slice(0, 50)}_p`));
}

const mustShape = (t: TableCase, caps: Caps): TableShape => {
  const s = shapeOf(t.kind, caps);
  if (!s) throw new Error(`corpus: table kind ${t.kind} cannot be rendered for ${caps.family}`);
  return s;
};

/** CREATE TABLE (or CREATE SEQUENCE) of one case, as the dump writes it (current database set by USE). */
export function createTable(t: TableCase, caps: Caps, parent?: TableCase): string {
  if (t.kind === 'sequence') {
    return `CREATE SEQUENCE ${quoteId(t.name)} START WITH 100 MINVALUE 1 MAXVALUE 1000000 INCREMENT BY 5 CACHE 10 CYCLE ENGINE=${t.engine};\nSELECT SETVAL(${quoteId(t.name)}, 135, 0);\n`;
  }
  const s = mustShape(t, caps);
  const lines = s.columns.map((c, i) => `  ${quoteId(t.columns[i]!)} ${fill(c.type, t)}`);
  lines.push(...s.keys.map((k) => `  ${fill(k, t)}`));
  for (const [i, fk] of (s.foreignKeys ?? []).entries()) {
    const ref = fk.self ? t : parent;
    if (!ref) throw new Error(`corpus: ${t.kind} ${t.name} has no parent table`);
    const cols = fk.columns.map((n) => quoteId(t.columns[n]!)).join(', ');
    const refs = fk.refColumns.map((n) => quoteId(ref.columns[n]!)).join(', ');
    lines.push(
      `  CONSTRAINT ${quoteId(`fk${i}_${t.name}`.slice(0, 64))} FOREIGN KEY (${cols}) REFERENCES ${quoteId(ref.name)} (${refs}) ${fk.actions}`,
    );
  }
  const opts = [`ENGINE=${t.engine}`, 'DEFAULT CHARSET=utf8mb4'];
  if (t.rowFormat) opts.push(t.rowFormat.includes('=') ? t.rowFormat : `ROW_FORMAT=${t.rowFormat}`);
  if (s.tail && t.engine === 'Aria') opts.push(s.tail);
  if (t.encryptionKeyId) opts.push('ENCRYPTED=YES', `ENCRYPTION_KEY_ID=${t.encryptionKeyId}`);
  const tail = s.tail && t.engine !== 'Aria' ? ` ${s.tail}` : '';
  const part = s.partition ? `\n${fill(s.partition, t)}` : '';
  return `CREATE TABLE ${quoteId(t.name)} (\n${lines.join(',\n')}\n) ${opts.join(' ')}${tail}${part};\n`;
}

/** The names of the columns a row of the case carries (generated columns left out; invisible ones named). */
export function insertColumns(t: TableCase, caps: Caps): string[] {
  if (t.kind === 'sequence') return [];
  return mustShape(t, caps)
    .columns.map((c, i) => (c.generated ? null : t.columns[i]!))
    .filter((n): n is string => n !== null);
}

/** The rows of one case as extended INSERTs (a column list always: invisible columns are not in VALUES without one). */
export function insertRows(t: TableCase, caps: Caps, perStatement = 50): string {
  if (!t.rows.length) return '';
  const cols = `(${insertColumns(t, caps).map(quoteId).join(', ')})`;
  const out: string[] = [];
  for (let i = 0; i < t.rows.length; i += perStatement) {
    const vals = t.rows
      .slice(i, i + perStatement)
      .map((r) => `(${r.map(literal).join(',')})`)
      .join(',');
    out.push(`INSERT INTO ${quoteId(t.name)} ${cols} VALUES ${vals};\n`);
  }
  for (const a of mustShape(t, caps).after ?? []) out.push(`${fill(a, t)};\n`);
  return out.join('');
}
