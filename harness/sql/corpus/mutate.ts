import { qualified, quoteId } from '../inspect.js';
import type { Corpus, TableCase } from './model.js';
import { account, createView, isView } from './render-objects.js';
import { insertColumns, literal } from './render-tables.js';
import { authClause, isAuthKind, nativeHash, textOf } from './auth.js';
import { capsOf } from './caps.js';
import { shapeOf } from './shapes.js';

/**
 * One mutation of a single row, object definition, account or grant of a loaded corpus: what a verdict must catch
 * and name. Each says what it changed (`names`: the database, object or account a difference must name).
 */
export interface Mutation {
  kind: 'row' | 'definition' | 'account' | 'grant' | 'authentication';
  sql: string[];
  /** The text a reported difference names: `db.table`, the object's name, or the account as 'user'@'host'. */
  names: string;
}

/** Column types whose values compare as text (ENUM and SET compare by their index with a number: left numeric). */
const TEXT_TYPE = /char|text|binary|blob/i;
const secondColumnType = (t: TableCase, c: Corpus) =>
  shapeOf(t.kind, capsOf(c.flavor))?.columns.filter((x) => !x.generated)[1]?.dataType ?? '';

const KEYED = new Set(['numbers', 'strings', 'temporal', 'fulltext', 'case-pair', 'fk-parent', 'unique-only', 'aria', 'generated']);

/**
 * The row mutation: one value of the first row of a keyed table (first column is its key, second a plain column), on a
 * table no trigger fires on (a trigger whose DEFINER does not exist makes every write to its table fail) and whose
 * changed column no foreign key references.
 */
export function rowMutation(c: Corpus): Mutation | null {
  const fired = new Set(c.objects.filter((o) => o.kind === 'triggers-ordered').map((o) => `${o.on.db}.${o.on.name}`));
  // the fk-parent's second column is what the fk-child references ON UPDATE NO ACTION: changing it fails while a child
  // row points at it ("Cannot delete or update a parent row", finding F34)
  const referenced = c.tables.some((x) => x.kind === 'fk-child');
  const t = c.tables.find(
    (x): x is TableCase =>
      KEYED.has(x.kind) && x.rows.length > 0 && !fired.has(`${x.db}.${x.name}`) && !(referenced && x.kind === 'fk-parent'),
  );
  if (!t) return null;
  const cols = insertColumns(t, capsOf(c.flavor));
  const key = quoteId(cols[0]!);
  const target = quoteId(cols[1]!);
  const row = t.rows[0]!;
  // another value of the second column's type: it always changes, whatever the row held. A text column is compared
  // with text: `'' <=> 1` is a numeric comparison whose truncation warning a strict sql_mode (STRICT_ALL_TABLES)
  // makes an error in an UPDATE ("Truncated incorrect DECIMAL value: ''")
  const [a, b] =
    t.kind === 'temporal' ? ["'1999-09-09'", "'1999-09-10'"] : TEXT_TYPE.test(secondColumnType(t, c)) ? ["'1'", "'2'"] : ['1', '2'];
  const sql = `UPDATE ${qualified(t.db, t.name)} SET ${target} = IF(${target} <=> ${a}, ${b}, ${a}) WHERE ${key} = ${literal(row[0])}`;
  return { kind: 'row', sql: [sql], names: t.name };
}

/** The definition mutation: a view's text changes (its WHERE, or its output column). */
export function definitionMutation(c: Corpus): Mutation | null {
  const found = c.objects.find(isView);
  if (!found) return null;
  // the definer an existing account: a server refuses CREATE OR REPLACE naming one that does not exist
  const v = { ...found, definer: 'existing' as const };
  const text = createView(v, c)
    .replace(/^CREATE /, 'CREATE OR REPLACE ')
    .replace(/;\n$/, '');
  const changed =
    v.kind === 'view-temptable' ? text.replace('COUNT(*)', 'COUNT(*) + 1') : text.replace(/ WITH (CASCADED|LOCAL) CHECK OPTION$/, '');
  return { kind: 'definition', sql: [`USE ${quoteId(v.db)}`, changed], names: v.name };
}

/** The account mutation: one account is locked (or unlocked when it already was). */
export function accountMutation(c: Corpus): Mutation | null {
  const a = c.accounts.find((x) => x.kind !== 'host-name') ?? c.accounts[0];
  if (!a) return null;
  return {
    kind: 'account',
    sql: [`ALTER USER ${account(a)} ACCOUNT ${a.kind === 'locked' ? 'UNLOCK' : 'LOCK'}`],
    names: `'${a.user}'@'${a.host}'`,
  };
}

/** The grant mutation: one account gets one more privilege on the corpus's first database. */
export function grantMutation(c: Corpus): Mutation | null {
  // not an account of another authentication plugin (drawn last): a seed's grant mutation stays what it was
  const a = [...c.accounts].reverse().find((x) => x.kind !== 'host-name' && x.kind !== 'localhost' && !isAuthKind(x.kind));
  if (!a) return null;
  return { kind: 'grant', sql: [`GRANT CREATE VIEW ON ${quoteId(c.databases[0]!)}.* TO ${account(a)}`], names: `'${a.user}'@'${a.host}'` };
}

/**
 * The authentication mutation: one account of another plugin gets another plugin (MariaDB: mysql_native_password with
 * the hash of the same throwaway text; MySQL: caching_sha2_password becomes sha256_password, the others become
 * caching_sha2_password), what a restore that lost a plugin's account, or a hand-made "fix", looks like.
 */
export function authMutation(c: Corpus): Mutation | null {
  const a = c.accounts.find((x) => isAuthKind(x.kind));
  if (!a) return null;
  const clause =
    capsOf(c.flavor).family === 'mariadb'
      ? ` IDENTIFIED VIA mysql_native_password USING '${nativeHash(textOf(a, c.seed))}'`
      : authClause({ ...a, kind: a.kind === 'auth-caching-sha2' ? 'auth-sha256' : 'auth-caching-sha2' }, c.seed);
  return { kind: 'authentication', sql: [`ALTER USER ${account(a)}${clause}`], names: `'${a.user}'@'${a.host}'` };
}
