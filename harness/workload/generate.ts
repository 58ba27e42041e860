import fc from 'fast-check';
import type { ColumnType } from '../core/index.js';

/**
 * Rows generated from a schema alone (for teams who may not take production data out): fast-check arbitraries per
 * column that respect the type and its length/range, NULL-ability, every unique key (PRIMARY included) and every
 * foreign key (values are taken from the referenced table's generated rows). Deterministic for a seed.
 */

/** A column of a live schema, or of a corpus table, as the generator sees it. */
export interface ColumnModel extends ColumnType {
  name: string;
}

interface ForeignKeyModel {
  columns: string[];
  refDb: string;
  refTable: string;
  refColumns: string[];
}

export interface TableModel {
  db: string;
  name: string;
  columns: ColumnModel[];
  /** Unique keys, PRIMARY first when there is one: column lists. */
  uniques: string[][];
  foreignKeys: ForeignKeyModel[];
}

export interface GeneratedTable {
  table: TableModel;
  /** Column names in the order of each row's values (generated columns left out). */
  columns: string[];
  rows: unknown[][];
  /** Why fewer rows than asked (a small value domain for a unique key, an unsupported NOT NULL column). */
  notes: string[];
}

const key = (t: { db: string; name: string }) => `${t.db}.${t.name}`;

const INT_RANGE: Record<string, [bigint, bigint]> = {
  tinyint: [-128n, 127n],
  smallint: [-32768n, 32767n],
  mediumint: [-8388608n, 8388607n],
  int: [-2147483648n, 2147483647n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

/** The range of an integer column (unsigned doubles the top, tinyint(1) is a boolean). */
export function intRange(c: ColumnModel): [bigint, bigint] {
  const r = INT_RANGE[c.dataType];
  if (!r) throw new Error(`not an integer type: ${c.dataType}`);
  if (/unsigned/i.test(c.columnType)) return [0n, r[1] * 2n + 1n];
  if (c.dataType === 'tinyint' && /^tinyint\(1\)/i.test(c.columnType)) return [0n, 1n];
  return r;
}

/** The values of an ENUM or SET column, from its COLUMN_TYPE. */
export function enumValues(columnType: string): string[] {
  const m = /^(?:enum|set)\((.*)\)$/is.exec(columnType.trim());
  if (!m) return [];
  const out: string[] = [];
  const re = /'((?:[^']|'')*)'/g;
  for (const v of m[1]!.matchAll(re)) out.push(v[1]!.replace(/''/g, "'"));
  return out;
}

/** Characters a column's character set stores unchanged: printable ASCII for single-byte sets, the BMP for utf8mb3. */
function charUnit(charset: string | null): fc.Arbitrary<string> {
  const cs = (charset ?? '').toLowerCase();
  if (cs === 'utf8mb4') return fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 1 });
  if (cs === 'utf8mb3' || cs === 'utf8' || cs === 'ucs2' || cs === 'utf16') {
    return fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 1 }).filter((s) => (s.codePointAt(0) ?? 0) <= 0xffff);
  }
  return fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 });
}

const TEXT_CAP = 200;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAY_MS = 86_400_000;

/** The arbitrary of a column's non-NULL values, or undefined when its type is not supported. */
function valueArbitrary(c: ColumnModel): fc.Arbitrary<unknown> | undefined {
  const t = c.dataType;
  if (t in INT_RANGE) {
    const [min, max] = intRange(c);
    return fc.bigInt({ min, max }).map((v) => v.toString());
  }
  if (t === 'decimal' || t === 'numeric') {
    const p = c.precision ?? 10;
    const s = c.scale ?? 0;
    const unsigned = /unsigned/i.test(c.columnType);
    const max = 10n ** BigInt(p) - 1n;
    return fc.bigInt({ min: unsigned ? 0n : -max, max }).map((v) => {
      const neg = v < 0n;
      const digits = (neg ? -v : v).toString().padStart(s + 1, '0');
      return `${neg ? '-' : ''}${s ? `${digits.slice(0, -s)}.${digits.slice(-s)}` : digits}`;
    });
  }
  if (t === 'float' || t === 'double' || t === 'real') {
    // Values with few significant digits: exact in both FLOAT and DOUBLE, so every copy compares equal.
    return fc.integer({ min: -999_999, max: 999_999 }).map((v) => (/unsigned/i.test(c.columnType) ? Math.abs(v) : v) / 16);
  }
  if (t === 'bit') {
    const n = Math.min(c.precision ?? 1, 52);
    return fc.integer({ min: 0, max: 2 ** n - 1 });
  }
  if (t === 'char' || t === 'varchar' || t === 'tinytext' || t === 'text' || t === 'mediumtext' || t === 'longtext') {
    const max = Math.min(c.maxLength ?? TEXT_CAP, TEXT_CAP);
    return fc.array(charUnit(c.charset), { maxLength: max }).map((a) => a.join(''));
  }
  if (t === 'binary' || t === 'varbinary' || t === 'tinyblob' || t === 'blob' || t === 'mediumblob' || t === 'longblob') {
    const max = Math.min(c.maxLength ?? TEXT_CAP, TEXT_CAP);
    // BINARY(n) is right-padded with zero bytes by the server: generate it full so what is read is what was written.
    return fc.uint8Array({ minLength: t === 'binary' ? max : 0, maxLength: max }).map((a) => Buffer.from(a));
  }
  if (t === 'enum') {
    const v = enumValues(c.columnType);
    return v.length ? fc.constantFrom(...v) : undefined;
  }
  if (t === 'set') {
    const v = enumValues(c.columnType);
    return fc.subarray(v).map((a) => a.join(','));
  }
  if (t === 'date' || t === 'datetime' || t === 'timestamp') {
    // TIMESTAMP spans 1970-2038 (UTC, the session is UTC while loading); the others a wide but ordinary range.
    const [lo, hi] = t === 'timestamp' ? [Date.UTC(1970, 0, 2), Date.UTC(2038, 0, 1)] : [Date.UTC(1900, 0, 1), Date.UTC(2099, 11, 31)];
    const fsp = c.fsp ?? 0;
    return fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 10 ** fsp - 1 })).map(([ms, frac]) => {
      const d = new Date(t === 'date' ? Math.floor(ms / DAY_MS) * DAY_MS : ms);
      const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      if (t === 'date') return day;
      return `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fsp ? `.${pad(frac, fsp)}` : ''}`;
    });
  }
  if (t === 'time') {
    const fsp = c.fsp ?? 0;
    return fc
      .tuple(
        fc.integer({ min: -838, max: 838 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 10 ** fsp - 1 }),
      )
      .map(([h, m, s, f]) => `${h < 0 ? '-' : ''}${pad(Math.abs(h))}:${pad(m)}:${pad(s)}${fsp ? `.${pad(f, fsp)}` : ''}`);
  }
  if (t === 'year') return fc.integer({ min: 1901, max: 2155 });
  if (t === 'json') return fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v ?? null));
  if (t === 'uuid') return fc.uuid();
  if (t === 'inet4') return fc.ipV4();
  return undefined;
}

/** A unique value for row `i` of a one-column unique key: integers count up, strings end in a base-36 counter. */
function uniqueValue(c: ColumnModel, i: number, salt: string): unknown | undefined {
  const t = c.dataType;
  if (t in INT_RANGE) {
    const [min, max] = intRange(c);
    const v = (min > 0n ? min : 1n) + BigInt(i);
    return v <= max ? v.toString() : undefined;
  }
  if (t === 'char' || t === 'varchar' || t.endsWith('text')) {
    // Lower-case letters and digits only: distinct under every collation (case, accent and trailing-space rules).
    const n = i.toString(36);
    const max = Math.min(c.maxLength ?? TEXT_CAP, TEXT_CAP);
    if (n.length > max) return undefined;
    return (salt + n.padStart(Math.min(max, 6), '0')).slice(-max);
  }
  if (t === 'binary' || t === 'varbinary' || t.endsWith('blob')) {
    const max = Math.min(c.maxLength ?? TEXT_CAP, TEXT_CAP);
    const b = Buffer.alloc(t === 'binary' ? max : Math.min(max, 8));
    let v = i;
    for (let k = b.length - 1; k >= 0 && v > 0; k--) {
      b[k] = v & 0xff;
      v = Math.floor(v / 256);
    }
    return v > 0 ? undefined : b;
  }
  if (t === 'decimal' || t === 'numeric') {
    const digits = (c.precision ?? 10) - (c.scale ?? 0);
    return String(i + 1).length <= digits ? String(i + 1) : undefined;
  }
  if (t === 'date' || t === 'datetime' || t === 'timestamp') {
    const d = new Date(Date.UTC(1971, 0, 1) + (t === 'date' ? i * DAY_MS : i * 1000));
    if (d.getUTCFullYear() > 2037) return undefined;
    const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    return t === 'date' ? day : `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  }
  if (t === 'year') return 1901 + i <= 2155 ? 1901 + i : undefined;
  return undefined;
}

/** Tables in an order where every referenced table comes first (cycles and self-references are broken, see generateRows). */
export function orderByForeignKeys(tables: readonly TableModel[]): TableModel[] {
  const byKey = new Map(tables.map((t) => [key(t), t]));
  const out: TableModel[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: TableModel) => {
    const k = key(t);
    if (state.get(k)) return;
    state.set(k, 'visiting');
    for (const fk of t.foreignKeys) {
      const p = byKey.get(`${fk.refDb}.${fk.refTable}`);
      if (p && p !== t) visit(p);
    }
    state.set(k, 'done');
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

/** A canonical text of a key's values, for uniqueness (strings compared as the server would: case and trailing spaces folded). */
const canon = (vals: readonly unknown[]) =>
  JSON.stringify(
    vals.map((v) => (typeof v === 'string' ? v.toLowerCase().replace(/ +$/, '') : Buffer.isBuffer(v) ? v.toString('hex') : v)),
  );

/**
 * Generates `rows` rows for every table. Order: referenced tables first. Values: one-column unique keys count up (so
 * they never collide); other columns come from their arbitrary; NULL-able columns are NULL one time in ten; a foreign
 * key's columns copy the referenced columns of a random row of the referenced table (a self-reference points at an
 * earlier row, or NULL for the first). A row that would repeat a composite unique key is drawn again, a few times, then
 * left out (noted). A NOT NULL column of an unsupported type leaves its table empty (noted); a NULL-able one is NULL.
 */
export function generateRows(tables: readonly TableModel[], rows: number, seed = 42): GeneratedTable[] {
  const done = new Map<string, GeneratedTable>();
  const ordered = orderByForeignKeys(tables);
  ordered.forEach((t, ti) => {
    const cols = t.columns.filter((c) => !c.generated);
    const g: GeneratedTable = { table: t, columns: cols.map((c) => c.name), rows: [], notes: [] };
    done.set(key(t), g);
    const idx = new Map(cols.map((c, i) => [c.name, i]));
    const fkOf = new Map<string, { fk: ForeignKeyModel; pos: number }>();
    for (const fk of t.foreignKeys) for (const [pos, c] of fk.columns.entries()) fkOf.set(c, { fk, pos });
    const singleUnique = new Set(t.uniques.filter((u) => u.length === 1 && !fkOf.has(u[0]!)).map((u) => u[0]!));
    const arbs = new Map<string, fc.Arbitrary<unknown>>();
    for (const c of cols) {
      if (fkOf.has(c.name) || singleUnique.has(c.name)) continue;
      const a = valueArbitrary(c);
      if (a) arbs.set(c.name, c.nullable ? fc.option(a, { freq: 9, nil: null }) : a);
      else if (!c.nullable) {
        g.notes.push(`column ${c.name} (${c.columnType}) is NOT NULL and of a type the generator does not know: no rows`);
        return;
      }
    }
    const rowArb = fc.tuple(...cols.map((c) => arbs.get(c.name) ?? fc.constant(null)));
    const rng = mulberry(seed * 7919 + ti);
    const seen = t.uniques.map(() => new Set<string>());
    let drawn = 0;
    const batch = () => fc.sample(rowArb, { seed: seed + ti * 1_000_003 + drawn, numRuns: Math.min(1000, rows * 2) });
    let pool = batch();
    let pi = 0;
    let misses = 0;
    while (g.rows.length < rows && misses < rows * 5 + 50) {
      if (pi >= pool.length) {
        drawn += pool.length;
        pool = batch();
        pi = 0;
      }
      const row = [...pool[pi++]!];
      let ok = true;
      for (const c of singleUnique) {
        const v = uniqueValue(cols[idx.get(c)!]!, g.rows.length, (t.name.replace(/[^a-z0-9]/gi, '').toLowerCase() || 't').slice(0, 3));
        if (v === undefined) {
          ok = false;
          misses = Infinity;
          g.notes.push(`unique column ${c}: its type holds only ${g.rows.length} distinct values`);
          break;
        }
        row[idx.get(c)!] = v;
      }
      if (!ok) break;
      for (const fk of t.foreignKeys) {
        const self = fk.refDb === t.db && fk.refTable === t.name;
        const parent = self ? g : done.get(`${fk.refDb}.${fk.refTable}`);
        const nullable = fk.columns.every((c) => cols[idx.get(c)!]?.nullable);
        const candidates = parent?.rows.length ?? 0;
        if (!parent || candidates === 0) {
          if (nullable) {
            for (const c of fk.columns) row[idx.get(c)!] = null;
            continue;
          }
          if (self) {
            // NOT NULL self-reference: the first row points at itself
            for (const [k, c] of fk.columns.entries()) row[idx.get(c)!] = row[idx.get(fk.refColumns[k]!)!];
            continue;
          }
          ok = false;
          misses = Infinity;
          g.notes.push(`foreign key (${fk.columns.join(', ')}) references ${fk.refDb}.${fk.refTable}, which has no generated rows`);
          break;
        }
        if (nullable && rng() < 0.1) {
          for (const c of fk.columns) row[idx.get(c)!] = null;
          continue;
        }
        const p = parent.rows[Math.floor(rng() * candidates)]!;
        const pidx = new Map(parent.columns.map((c, i) => [c, i]));
        for (const [k, c] of fk.columns.entries()) row[idx.get(c)!] = p[pidx.get(fk.refColumns[k]!)!];
      }
      if (!ok) break;
      // Unique keys over several columns (or over foreign-key columns): draw again when the values repeat. NULLs never collide.
      const keys = t.uniques.map((u) => u.map((c) => row[idx.get(c)!]));
      const clash = keys.some((k, ui) => !k.some((v) => v === null) && seen[ui]!.has(canon(k)));
      if (clash) {
        misses++;
        continue;
      }
      keys.forEach((k, ui) => {
        if (!k.some((v) => v === null)) seen[ui]!.add(canon(k));
      });
      g.rows.push(row);
    }
    if (g.rows.length < rows && !g.notes.length) g.notes.push(`only ${g.rows.length} distinct rows for its unique keys`);
  });
  return tables.map((t) => done.get(key(t))!);
}

/** A small seeded generator for the foreign-key picks (fast-check draws the values). */
function mulberry(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
