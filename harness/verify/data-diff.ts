import { inspect } from '../sql/index.js';
import type { Column, KeyRange } from '../sql/inspect.js';
import { check, type CheckResult, type Difference, type Queryable } from './check.js';
import { baseTables, databasesInScope } from './scope.js';
import { checksumOf } from './snapshot.js';

export interface DataDiffOptions {
  databases?: readonly string[];
  chunkRows?: number;
  /** Most differing rows named per table (the count is always exact). */
  maxRowsNamed?: number;
  progress?: (m: string) => void;
}

type Row = Record<string, unknown>;
const keyOf = (row: Row, pk: readonly string[]) => pk.map((c) => row[c]);
const fmtKey = (pk: readonly string[], k: readonly unknown[]) => pk.map((c, i) => `${c}=${String(k[i])}`).join(', ');
const fmtRange = (pk: readonly string[], r: KeyRange) =>
  `${pk.join(',')} in (${r.lo ? r.lo.map(String).join(',') : '-inf'}, ${r.hi ? r.hi.map(String).join(',') : '+inf'}]`;

async function columnsOf(q: Queryable, db: string, t: string): Promise<Column[]> {
  return q.query<Column>(inspect.listColumns(db, t));
}

/** Names the rows of one key range that differ: missing on the target, unexpected on it, or changed. */
async function diffRange(src: Queryable, dst: Queryable, db: string, t: string, pk: readonly string[], cols: Column[], r: KeyRange, limit: number): Promise<{ count: number; rows: Difference[] }> {
  const stmt = inspect.chunkRows(db, t, pk, cols, r);
  const [a, b] = await Promise.all([src.query<Row>(stmt), dst.query<Row>(stmt)]);
  const index = new Map(b.map((row) => [JSON.stringify(keyOf(row, pk)), String(row['__h'])]));
  const rows: Difference[] = [];
  let count = 0;
  const note = (d: Difference) => { count++; if (rows.length < limit) rows.push(d); };
  for (const row of a) {
    const k = JSON.stringify(keyOf(row, pk));
    const h = index.get(k);
    if (h === undefined) note({ database: db, object: t, kind: 'row-missing', where: fmtKey(pk, keyOf(row, pk)) });
    else if (h !== String(row['__h'])) note({ database: db, object: t, kind: 'row-differs', where: fmtKey(pk, keyOf(row, pk)) });
    index.delete(k);
  }
  for (const k of index.keys()) note({ database: db, object: t, kind: 'row-unexpected', where: fmtKey(pk, JSON.parse(k) as unknown[]) });
  return { count, rows };
}

/** Compares one table with a primary key chunk by chunk (ranges cut on the source), then names differing rows. */
async function diffKeyedTable(src: Queryable, dst: Queryable, db: string, t: string, pk: string[], cols: Column[], o: Required<Pick<DataDiffOptions, 'chunkRows' | 'maxRowsNamed'>>): Promise<{ chunks: number; diffs: Difference[] }> {
  const ranges: KeyRange[] = [];
  let lo: unknown[] | undefined;
  for (;;) {
    const [b] = await src.query<Row>(inspect.nextChunkBoundary(db, t, pk, lo, o.chunkRows));
    if (!b) { ranges.push({ lo }); break; }
    const hi = keyOf(b, pk);
    ranges.push({ lo, hi });
    lo = hi;
  }
  const diffs: Difference[] = [];
  let named = 0;
  for (const r of ranges) {
    const stmt = inspect.chunkChecksum(db, t, pk, cols, r);
    const [[a], [b]] = await Promise.all([src.query<Row>(stmt), dst.query<Row>(stmt)]);
    if (String(a?.['n']) === String(b?.['n']) && String(a?.['h']) === String(b?.['h'])) continue;
    const d = await diffRange(src, dst, db, t, pk, cols, r, Math.max(0, o.maxRowsNamed - named));
    named += d.rows.length;
    diffs.push({ database: db, object: t, kind: 'chunk-differs', where: fmtRange(pk, r),
      expected: { rows: String(a?.['n']) }, actual: { rows: String(b?.['n']), differingRows: d.count } });
    diffs.push(...d.rows);
  }
  return { chunks: ranges.length, diffs };
}

/** A table without a primary key: compare the multisets of row fingerprints (duplicates counted). */
async function diffUnkeyedTable(src: Queryable, dst: Queryable, db: string, t: string, cols: Column[]): Promise<Difference[]> {
  const stmt = inspect.rowHashMultiset(db, t, cols);
  const [a, b] = await Promise.all([src.query<{ h: string; n: string }>(stmt), dst.query<{ h: string; n: string }>(stmt)]);
  const count = new Map<string, number>();
  for (const r of a) count.set(String(r.h), Number(r.n));
  for (const r of b) count.set(String(r.h), (count.get(String(r.h)) ?? 0) - Number(r.n));
  let missing = 0; let unexpected = 0;
  for (const n of count.values()) { if (n > 0) missing += n; else unexpected -= n; }
  if (!missing && !unexpected) return [];
  return [{ database: db, object: t, kind: 'rows-differ-no-primary-key', where: 'whole table (no primary key: rows compared as a multiset)',
    expected: { rowsOnlyOnSource: missing }, actual: { rowsOnlyOnTarget: unexpected } }];
}

/**
 * Compares every base table's data between two live servers: CHECKSUM TABLE, then chunked fingerprints by primary
 * key that name the differing rows, or a multiset comparison for tables without one. Tables present on one side
 * only are differences. Returns one check with every difference found.
 */
export async function compareData(src: Queryable, dst: Queryable, opts: DataDiffOptions = {}): Promise<CheckResult> {
  const o = { chunkRows: opts.chunkRows ?? 1000, maxRowsNamed: opts.maxRowsNamed ?? 50 };
  const dbs = await databasesInScope(src, opts.databases);
  const dstDbs = await databasesInScope(dst, opts.databases);
  const diffs: Difference[] = [];
  for (const db of dstDbs) if (!dbs.includes(db)) diffs.push({ database: db, object: '*', kind: 'database-unexpected' });
  const srcTables = await baseTables(src, dbs);
  const dstTables = await baseTables(dst, dbs.filter((d) => dstDbs.includes(d)));
  const dstKeys = new Set(dstTables.map((t) => `${t.database}.${t.name}`));
  for (const t of dstTables) {
    if (!srcTables.some((s) => s.database === t.database && s.name === t.name)) diffs.push({ database: t.database, object: t.name, kind: 'table-unexpected' });
  }
  let chunks = 0;
  for (const t of srcTables) {
    if (!dstKeys.has(`${t.database}.${t.name}`)) { diffs.push({ database: t.database, object: t.name, kind: 'table-missing' }); continue; }
    opts.progress?.(`comparing ${t.database}.${t.name}`);
    const [ca, cb] = await Promise.all([checksumOf(src, t.database, t.name), checksumOf(dst, t.database, t.name)]);
    if (ca === null || cb === null) diffs.push({ database: t.database, object: t.name, kind: 'checksum-unavailable', expected: ca, actual: cb });
    else if (ca !== cb) diffs.push({ database: t.database, object: t.name, kind: 'checksum-differs', expected: ca, actual: cb });
    const [colsA, colsB] = await Promise.all([columnsOf(src, t.database, t.name), columnsOf(dst, t.database, t.name)]);
    if (JSON.stringify(colsA) !== JSON.stringify(colsB)) {
      diffs.push({ database: t.database, object: t.name, kind: 'columns-differ', expected: colsA, actual: colsB });
      continue; // rows cannot be fingerprinted alike; the column difference is the finding
    }
    const pk = (await src.query<{ name: string }>(inspect.primaryKeyColumns(t.database, t.name))).map((r) => r.name);
    if (pk.length) {
      const r = await diffKeyedTable(src, dst, t.database, t.name, pk, colsA, o);
      chunks += r.chunks;
      diffs.push(...r.diffs);
    } else {
      diffs.push(...(await diffUnkeyedTable(src, dst, t.database, t.name, colsA)));
    }
  }
  return check('data', diffs, { databases: dbs, tablesCompared: srcTables.length, chunksCompared: chunks, source: src.name, target: dst.name }, 500);
}
