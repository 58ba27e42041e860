import fc from 'fast-check';
import type { FlavorId } from '../../core/index.js';
import {
  capsOf,
  charsetsOf,
  shapeOf,
  sqlModesOf,
  TABLE_KINDS,
  type AccountKind,
  type AuthKind,
  type Corpus,
  type ObjectKind,
  type ServerOptionsCase,
} from '../../sql/corpus/index.js';
import { buildCorpus, type Choices } from './build.js';
import { uniqueNames, userNames } from './names.js';

/**
 * The generated corpus: schemas, rows, objects and accounts as a real server's dump holds them, drawn by fast-check
 * (seeded, shrinking: a failing corpus shrinks to fewer cases and simpler names). `cover` takes every case kind the
 * flavor can hold in one corpus (one load, one run, many cases: the fixed sample of `npm test`).
 */

export const OBJECT_KINDS: ObjectKind[] = [
  'view-merge-check',
  'view-temptable',
  'view-cross-database',
  'triggers-ordered',
  'procedure-sql-mode',
  'function-charset',
  'event-enabled',
  'event-disabled',
];
export const ACCOUNT_KINDS: AccountKind[] = [
  'host-name',
  'wildcard',
  'ip-mask',
  'localhost',
  'role-default',
  'column-grant',
  'routine-grant',
  'resource-limits',
  'password-expiry',
  'locked',
  'require-ssl',
  'proxy',
];

export interface CorpusOptions {
  /** Every case kind the flavor holds, at once (names, engines, rows still drawn). */
  cover?: boolean;
  /** Rows generated per table (edge rows come on top); drawn from 0..8 when not given. */
  rows?: number;
  /** Draw the server options the corpus runs under (sql_mode, lower_case_table_names, time zone tables, ...). */
  serverOptions?: boolean;
  /** Case kinds left out (a known finding being worked on, a path that cannot carry them: say why where it is used). */
  without?: readonly string[];
  /**
   * The key ids the run's key file holds (core/key-file.ts RUN_KEY_IDS): InnoDB tables are then drawn encrypted with
   * one of them (with `cover`: every one that can be, key ids drawn). Absent or empty: no key management, no encrypted
   * table. MariaDB only (caps.encryption).
   */
  keys?: readonly number[];
}

/** The accounts of other authentication plugins a flavor's build ships (drawn after every other choice). */
export const authKindsOf = (flavor: FlavorId): AuthKind[] => [...capsOf(flavor).authKinds];

/** The table kinds a flavor can hold ('fk-child' comes with 'fk-parent'). */
export function tableKindsOf(flavor: FlavorId) {
  const caps = capsOf(flavor);
  return TABLE_KINDS.filter((k) => k !== 'fk-child' && shapeOf(k, caps) !== null);
}

export function corpusArb(flavor: FlavorId, o: CorpusOptions = {}): fc.Arbitrary<Corpus> {
  const out = new Set(o.without ?? []);
  const tk = tableKindsOf(flavor).filter((k) => !out.has(k));
  const ok = OBJECT_KINDS.filter((k) => !out.has(k));
  const ak = ACCOUNT_KINDS.filter((k) => !out.has(k));
  const auth = authKindsOf(flavor).filter((k) => !out.has(k));
  // one yes/no per kind (each shrinks to "no" on its own): a failure shrinks to the fewest kinds that still fail
  const kinds = <T>(all: T[], min: number): fc.Arbitrary<T[]> =>
    o.cover
      ? fc.constant(all)
      : fc
          .tuple(...all.map(() => fc.boolean()))
          .filter((bits) => bits.filter(Boolean).length >= Math.min(min, all.length))
          .map((bits) => all.filter((_, i) => bits[i]));
  const choices: fc.Arbitrary<Choices> = fc.record({
    flavor: fc.constant(flavor),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    tableKinds: kinds(tk, 1),
    objectKinds: kinds(ok, 0),
    accountKinds: kinds(ak, 0),
    databases: uniqueNames(2),
    names: uniqueNames(48),
    columns: uniqueNames(16),
    users: userNames(16),
    picks: fc.array(fc.nat(59), { minLength: 1, maxLength: 8 }),
    definers: fc.array(fc.constantFrom('existing' as const, 'host-name' as const, 'missing' as const), { minLength: 1, maxLength: 8 }),
    rows: o.rows !== undefined ? fc.constant(o.rows) : fc.integer({ min: 0, max: 8 }),
    // drawn last and always (used only when asked for): a fixed seed's earlier choices are the same with or without it
    options: serverOptionsArb(flavor),
    // drawn after the options: a seed's tables, objects, other accounts and options are what they were before them
    authKinds: kinds(auth, 0),
    authUsers: userNames(auth.length),
    // drawn last, and only with keys: a seed's corpus without keys is what it was before encryption existed
    encryptWith: encryptionArb(o),
  });
  return choices.map(({ options, ...ch }) => buildCorpus(o.serverOptions ? { ...ch, options } : ch));
}

/** Per table (by position): 0 plain, else the key id it is encrypted with; shrinks to plain. */
function encryptionArb(o: CorpusOptions): fc.Arbitrary<number[]> {
  const keys = o.keys ?? [];
  if (!keys.length) return fc.constant([]);
  const pick = o.cover ? fc.constantFrom(...keys) : fc.constantFrom(0, ...keys);
  return fc.array(pick, { minLength: 48, maxLength: 48 });
}

/** Server options a flavor's server can run with (each shrinks towards firedrill's defaults: 0, loaded, the first mode). */
export function serverOptionsArb(flavor: FlavorId): fc.Arbitrary<ServerOptionsCase> {
  const caps = capsOf(flavor);
  return fc
    .record({
      // MariaDB starts on the seeded datadir with 1; the MySQL image initialises such a datadir afresh with it
      lowerCaseTableNames: fc.constantFrom(0 as const, 1 as const),
      timeZoneTables: fc.boolean(),
      sqlMode: fc.constantFrom(...sqlModesOf(caps)),
      explicitDefaultsForTimestamp: fc.boolean(),
      charset: fc.constantFrom(...charsetsOf(caps)),
    })
    .map(({ charset, ...rest }) => ({ ...rest, ...charset }));
}

/** The one corpus a seed gives (what a test or the nightly run prints and replays). */
export function corpusFor(flavor: FlavorId, seed: number, o: CorpusOptions = {}): Corpus {
  return fc.sample(corpusArb(flavor, o), { seed, numRuns: 1 })[0]!;
}
