import type { FlavorId } from '../../core/index.js';
import {
  canEncrypt,
  capsOf,
  shapeOf,
  type AccountCase,
  type AccountKind,
  type AuthKind,
  type Corpus,
  type DefinerKind,
  type ObjectCase,
  type ObjectKind,
  type ServerOptionsCase,
  type TableCase,
  type TableKind,
} from '../../sql/corpus/index.js';
import { generateRows, type ColumnModel, type TableModel } from '../generate.js';

/**
 * From the corpus's choices (which cases, names, engines, definers: drawn by the arbitraries in corpus.ts) to the
 * corpus itself. Pure and deterministic: the same choices give the same corpus, rows included (seeded).
 */
export interface Choices {
  flavor: FlavorId;
  seed: number;
  tableKinds: TableKind[];
  objectKinds: ObjectKind[];
  accountKinds: AccountKind[];
  databases: string[];
  /** Names for tables and objects (one namespace: a view and a table of one database must differ). */
  names: string[];
  /** Column names: a table takes as many as it has columns, from an offset (distinct within a table). */
  columns: string[];
  users: string[];
  /** Per table: an engine pick and a ROW_FORMAT pick (indexes, taken modulo what the kind allows). */
  picks: number[];
  definers: DefinerKind[];
  rows: number;
  /** The server options (drawn after every other choice, so that drawing them shifts no earlier case); absent: none. */
  options?: ServerOptionsCase;
  /** Accounts of other authentication plugins and their user names (drawn after the options, for the same reason). */
  authKinds?: AuthKind[];
  authUsers?: string[];
  /** Per table by position: the key id it is encrypted with, 0 plain (drawn last, only when the run has keys). */
  encryptWith?: number[];
}

const HOSTS: Partial<Record<AccountKind, string>> = {
  'host-name': 'web1.example.com',
  // socket authentication answers on the server's own socket only
  'auth-unix-socket': 'localhost',
  'auth-socket': 'localhost',
  wildcard: '10.0.%',
  'ip-mask': '192.168.1.0/255.255.255.0',
  localhost: 'localhost',
};

const rotate = (xs: readonly string[], by: number, n: number) => Array.from({ length: n }, (_, i) => xs[(by + i) % xs.length]!);
const cased = (s: string) => (s.toUpperCase() !== s.toLowerCase() ? s : `pair_${s}`);

export function buildCorpus(ch: Choices): Corpus {
  const caps = capsOf(ch.flavor);
  const db = ch.databases[0]!;
  const names = [...ch.names];
  const take = () => names.shift() ?? `t${names.length}`;
  const tables: TableCase[] = [];
  const add = (kind: TableKind, name: string, i: number) => {
    const s = shapeOf(kind, caps)!;
    const pick = ch.picks[i % ch.picks.length] ?? 0;
    const engine = s.engines[pick % s.engines.length]!;
    const formats = s.rowFormats[engine] ?? [];
    const rowFormat = formats.length && pick % (formats.length + 1) < formats.length ? formats[pick % (formats.length + 1)]! : null;
    tables.push({ kind, db, name, columns: rotate(ch.columns, i, s.columns.length), engine, rowFormat, rows: [] });
  };
  // lower_case_table_names=1 folds every name: no two tables differing only in case, names as the server stores them
  const folds = ch.options?.lowerCaseTableNames === 1;
  ch.tableKinds.forEach((kind, i) => {
    if (!shapeOf(kind, caps) || kind === 'fk-child' || (folds && kind === 'case-pair')) return;
    if (kind === 'case-pair') {
      const base = cased(take());
      add(kind, base, i);
      add(kind, base === base.toLowerCase() ? base.toUpperCase() : base.toLowerCase(), i + 1);
    } else add(kind, take(), i);
    if (kind === 'fk-parent') add('fk-child', take(), i + 1);
  });
  fillRows(tables, ch, caps);
  tables.forEach((t, i) => {
    const key = ch.encryptWith?.[i];
    if (key && canEncrypt(t, caps)) t.encryptionKeyId = key;
  });
  const users = [...ch.users];
  const accountKinds: AccountKind[] = ['localhost', 'host-name', ...ch.accountKinds.filter((k) => k !== 'localhost' && k !== 'host-name')];
  const base = tables.find((t) => t.kind !== 'sequence' && t.columns.length >= 2);
  const objectKinds = [...ch.objectKinds];
  if (accountKinds.includes('routine-grant') && !objectKinds.includes('procedure-sql-mode')) objectKinds.push('procedure-sql-mode');
  const objects: ObjectCase[] = base
    ? objectKinds.map((kind, i) => ({
        kind,
        db: kind === 'view-cross-database' ? (ch.databases[1] ?? db) : db,
        name: take(),
        definer: ch.definers[i % ch.definers.length] ?? 'existing',
        variant: (ch.seed + i) % 12,
        on: { db, name: base.name, columns: insertable(base, caps) },
      }))
    : [];
  const procedure = objects.find((o) => o.kind === 'procedure-sql-mode');
  const accounts: AccountCase[] = accountKinds
    .filter((k) => (k !== 'column-grant' || base) && (k !== 'routine-grant' || procedure))
    .map((kind) => ({
      kind,
      user: users.shift() ?? `user${users.length}`,
      host: HOSTS[kind] ?? '%',
      ...(kind === 'column-grant' ? { on: { db, name: base!.name, columns: insertable(base!, caps) } } : {}),
      ...(kind === 'routine-grant' ? { on: { db, name: procedure!.name, columns: [] } } : {}),
    }));
  const taken = new Set(accounts.map((a) => a.user));
  const authUsers = [...(ch.authUsers ?? [])];
  for (const kind of ch.authKinds ?? []) {
    let user = authUsers.shift() ?? `${kind.replace(/-/g, '_')}`;
    while (taken.has(user)) user = `${user}_a`;
    taken.add(user);
    accounts.push({ kind, user, host: HOSTS[kind] ?? '%' });
  }
  const corpus: Corpus = {
    flavor: ch.flavor,
    seed: ch.seed,
    databases: objects.some((o) => o.db !== db) ? ch.databases.slice(0, 2) : [db],
    tables,
    objects,
    accounts,
    definers: {
      existing: accounts.find((a) => a.kind === 'localhost')!,
      hostName: accounts.find((a) => a.kind === 'host-name')!,
      missing: { user: `${accounts[0]!.user}_gone`, host: '%' },
    },
  };
  if (!ch.options) return corpus;
  const withOptions = { ...corpus, options: ch.options, optionObjects: { db: take(), table: take(), view: take() } };
  return folds ? foldedNames(withOptions) : withOptions;
}

/** Every database, table and object name as a server with lower_case_table_names=1 stores it (lower case). */
function foldedNames(c: Corpus): Corpus {
  const lc = (s: string) => s.toLowerCase();
  const on = (x: { db: string; name: string; columns: string[] }) => ({ ...x, db: lc(x.db), name: lc(x.name) });
  return {
    ...c,
    databases: c.databases.map(lc),
    tables: c.tables.map((t) => ({ ...t, db: lc(t.db), name: lc(t.name) })),
    objects: c.objects.map((o) => ({ ...o, db: lc(o.db), name: lc(o.name), on: on(o.on) })),
    accounts: c.accounts.map((a) => (a.on ? { ...a, on: on(a.on) } : a)),
    optionObjects: c.optionObjects && { db: lc(c.optionObjects.db), table: lc(c.optionObjects.table), view: lc(c.optionObjects.view) },
  };
}

/** The columns a row carries (generated ones are computed by the server). */
function insertable(t: TableCase, caps: ReturnType<typeof capsOf>): string[] {
  const s = shapeOf(t.kind, caps)!;
  return t.columns.filter((_, i) => !s.columns[i]!.generated);
}

/** Rows for every table: the shared row generator (keys and foreign keys kept), then chosen values, edge rows, duplicates. */
function fillRows(tables: TableCase[], ch: Choices, caps: ReturnType<typeof capsOf>): void {
  const models: TableModel[] = tables.map((t) => {
    const s = shapeOf(t.kind, caps)!;
    const parent = t.kind === 'fk-child' ? tables.find((p) => p.kind === 'fk-parent') : undefined;
    const columns: ColumnModel[] = s.columns.map(({ type: _sql, choices, ...c }, i) => ({
      ...c,
      name: t.columns[i]!,
      nullable: c.nullable || choices !== undefined,
    }));
    return {
      db: t.db,
      name: t.name,
      columns,
      uniques: s.uniques.map((u) => u.map((i) => t.columns[i]!)),
      foreignKeys: (s.foreignKeys ?? []).map((fk) => {
        const ref = fk.self ? t : parent!;
        return {
          columns: fk.columns.map((i) => t.columns[i]!),
          refDb: ref.db,
          refTable: ref.name,
          refColumns: fk.refColumns.map((i) => ref.columns[i]!),
        };
      }),
    };
  });
  const generated = generateRows(models, ch.rows, ch.seed);
  tables.forEach((t, ti) => {
    if (t.kind === 'sequence') return;
    const s = shapeOf(t.kind, caps)!;
    const plain = s.columns.filter((c) => !c.generated);
    const rows = generated[ti]!.rows.map((r) => [...r]);
    rows.forEach((r, ri) => {
      plain.forEach((c, ci) => {
        if (c.choices) r[ci] = c.choices[(ri + ci) % c.choices.length];
      });
    });
    t.rows = [...rows, ...s.edges.map((e) => [...e])];
    if (s.duplicates) t.rows.push(...t.rows.slice(0, 2).map((r) => [...r]));
  });
}
