import { inspect } from '../sql/index.js';
import type { Queryable } from './check.js';
import {
  type ComparisonContext,
  comparisonRules,
  type Explained,
  mangledName,
  ruleFinding,
  ruleOfKind,
  unmangledName,
} from './equivalence.js';

/**
 * SHOW GRANTS lines as an account comparison reads them: a column grant's column list is a set (its order in SHOW
 * GRANTS follows the server's in-memory hash, not the grant), and two changes that are not a difference of the backup
 * or the replica are explained by the grant rules (fixtures/comparison-rules/grants.json): the routine grant a server
 * gives the definer when it applies CREATE PROCEDURE/FUNCTION, and a routine grant whose names the server stored as
 * their UTF-8 bytes read as latin1. Anything else stays a difference.
 */

const ID = '`(?:[^`]|``)*`';
const COLUMN_LIST = new RegExp(`\\((${ID}(?:, ${ID})*)\\)`, 'g');
const ROUTINE_GRANT = new RegExp(`^GRANT (.+?) ON (PROCEDURE|FUNCTION) (${ID})\\.(${ID}) TO (${ID}@${ID})( WITH GRANT OPTION)?$`);

/** The grant with every column list sorted (`SELECT (b, a)` reads as `SELECT (a, b)`); the rest as it is. */
export function canonicalGrant(grant: string): string {
  const on = grant.indexOf(' ON ');
  if (on < 0) return grant;
  const privs = grant
    .slice(0, on)
    .replace(COLUMN_LIST, (_m, list: string) => `(${(list.match(new RegExp(ID, 'g')) ?? []).sort().join(', ')})`);
  return privs + grant.slice(on);
}

interface RoutineGrant {
  privs: string[];
  kind: 'PROCEDURE' | 'FUNCTION';
  db: string;
  name: string;
  to: string;
  withGrant: boolean;
}

function parseRoutineGrant(g: string): RoutineGrant | undefined {
  const m = ROUTINE_GRANT.exec(g);
  if (!m) return undefined;
  return { privs: m[1]!.split(', '), kind: m[2] as RoutineGrant['kind'], db: m[3]!, name: m[4]!, to: m[5]!, withGrant: !!m[6] };
}

const DQ = '"(?:[^"]|"")*"';
const unquote = (id: string) => id.slice(1, -1).replace(id.startsWith('"') ? /""/g : /``/g, id[0]!);
const quote = (s: string) => `\`${s.replace(/`/g, '``')}\``;
/** A quoted name as the server reads it back after storing its UTF-8 bytes as `encoding` text. */
const mangled = (id: string, encoding: string) => quote(mangledName(unquote(id), encoding));
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** The DEFINER of a routine on a server, as `user`@`host`; undefined when it cannot be read. */
async function routineDefiner(q: Queryable, kind: 'PROCEDURE' | 'FUNCTION', db: string, name: string): Promise<string | undefined> {
  try {
    const [row] = await q.query<Record<string, unknown>>(inspect.showCreate(kind, unquote(db), unquote(name)));
    const text = String(row?.[kind === 'PROCEDURE' ? 'Create Procedure' : 'Create Function'] ?? '');
    // a routine created under ANSI_QUOTES shows its definer with double quotes
    const m = new RegExp(`DEFINER=(${ID}|${DQ})@(${ID}|${DQ})`).exec(text);
    return m ? `${quote(unquote(m[1]!))}@${quote(unquote(m[2]!))}` : undefined;
  } catch {
    return undefined; // not readable: the grant is not explained
  }
}

type DefinerOf = (kind: 'PROCEDURE' | 'FUNCTION', db: string, name: string) => Promise<string | undefined>;
type Rules = ReturnType<typeof comparisonRules>;

/**
 * Whether `to` is the definer of the routine a grant names: read under the grant's names, or, when the server stored
 * those names as their UTF-8 bytes read as latin1 (a mangled-routine-grant rule, F7), under the names they were made
 * from. Returns the mangled-routine-grant rule that also applies (undefined: the names are the routine's own);
 * false when `to` is not the definer.
 */
async function definedBy(
  p: Pick<RoutineGrant, 'kind' | 'db' | 'name' | 'to'>,
  definerOf: DefinerOf,
  rules: Rules,
): Promise<false | { mangled?: ReturnType<typeof ruleOfKind<'mangled-routine-grant'>>[number] }> {
  if ((await definerOf(p.kind, p.db, p.name)) === p.to) return {};
  for (const rule of ruleOfKind('mangled-routine-grant', rules)) {
    const [db, name] = [unmangledName(unquote(p.db), rule.encoding), unmangledName(unquote(p.name), rule.encoding)];
    if (db === undefined && name === undefined) continue;
    if ((await definerOf(p.kind, db === undefined ? p.db : quote(db), name === undefined ? p.name : quote(name))) === p.to)
      return { mangled: rule };
  }
  return false;
}

/**
 * The grant lines of one account missing on the actual side and extra there (canonical form), with what the grant
 * rules explain taken out and listed. `definerOf` reads a routine's definer on the actual server.
 */
export async function explainGrants(
  where: { database: string; object: string },
  missing: readonly string[],
  extra: readonly string[],
  definerOf: DefinerOf,
  rules = comparisonRules(),
  context: ComparisonContext = {},
): Promise<{ missing: string[]; extra: string[]; explained: Explained[] }> {
  const m = [...missing];
  const x = [...extra];
  const explained: Explained[] = [];
  const take = (list: string[], g: string) => list.splice(list.indexOf(g), 1);
  // between peers of one cluster either node may be the one the grant was run on: missing on either side
  for (const rule of context.peers ? ruleOfKind('peer-unapplied-grant', rules) : []) {
    const re = new RegExp(rule.pattern);
    for (const [list, side] of [
      [m, 'expected'],
      [x, 'actual'],
    ] as const) {
      for (const g of list.filter((l) => re.test(l))) {
        take(list, g);
        explained.push({
          ...where,
          kind: 'grants-differ',
          ...ruleFinding(rule),
          [side]: g,
          [side === 'expected' ? 'actual' : 'expected']: '(no grant)',
        });
      }
    }
  }
  // Either side may be the server that read its grant tables back after a restart (a restarted replica, or a primary
  // rebuilt from a replica's backup): the latin1-reading rule is tried with the sides both ways round.
  const ways = [
    { from: m, to: x, pair: (f: string, t: string) => ({ expected: f, actual: t }) },
    { from: x, to: m, pair: (f: string, t: string) => ({ expected: t, actual: f }) },
  ];
  for (const rule of ruleOfKind('mangled-routine-grant', rules)) {
    for (const { from, to, pair } of ways) {
      for (const e of [...from]) {
        const p = parseRoutineGrant(e);
        if (!p) continue;
        const [db, name] = [mangled(p.db, rule.encoding), mangled(p.name, rule.encoding)];
        if (db === p.db && name === p.name) continue;
        // a routine's name is not case-sensitive: MySQL lowercases the name it reads back from the grant table (F37)
        const read = to.find((a) => {
          const q = parseRoutineGrant(a);
          return (
            q &&
            q.db === db &&
            q.name.toLowerCase() === name.toLowerCase() &&
            a === e.replace(`${p.db}.${p.name} TO `, `${db}.${q.name} TO `)
          );
        });
        if (!read) continue;
        take(from, e);
        take(to, read);
        explained.push({ ...where, kind: 'grants-differ', ...ruleFinding(rule), ...pair(e, read) });
      }
    }
  }
  for (const rule of ruleOfKind('automatic-routine-grant', rules)) {
    // only on the actual side: an automatic grant the expected side has and the actual lacks stays a difference
    for (const a of [...x]) {
      const p = parseRoutineGrant(a);
      if (!p) continue;
      const before = m.find((e) => {
        const q = parseRoutineGrant(e);
        return q && q.kind === p.kind && q.db === p.db && q.name === p.name && q.to === p.to && q.withGrant === p.withGrant;
      });
      const expectedPrivs = before ? parseRoutineGrant(before)!.privs : [];
      if (!sameSet(p.privs, [...new Set([...expectedPrivs, ...rule.privileges])]) || (!before && p.withGrant)) continue;
      const by = await definedBy(p, definerOf, rules);
      if (!by) continue;
      take(x, a);
      if (before) take(m, before);
      const both = { expected: before ?? '(no grant)', actual: a };
      explained.push({ ...where, kind: 'grants-differ', ...ruleFinding(rule), severity: rule.severity ?? 'info', ...both });
      // the automatic grant stored under its names' latin1 reading: both rules apply (F4 with F7)
      if (by.mangled) explained.push({ ...where, kind: 'grants-differ', ...ruleFinding(by.mangled), ...both });
    }
  }
  return { missing: m, extra: x, explained };
}

/**
 * Two accounts' grant lines compared as sets of canonical grants (column lists as sets), the grant rules' changes
 * explained: what is missing on `actual`, what is extra there, and what was explained. `actualServer` answers a routine's
 * definer.
 */
export async function grantDifferences(
  where: { database: string; object: string },
  expected: readonly string[],
  actual: readonly string[],
  actualServer: Queryable,
  context: ComparisonContext = {},
): Promise<{ missing: string[]; extra: string[]; explained: Explained[] }> {
  const [e, a] = [expected.map(canonicalGrant), actual.map(canonicalGrant)];
  const missing = e.filter((g) => !a.includes(g));
  const extra = a.filter((g) => !e.includes(g));
  if (!missing.length && !extra.length) return { missing, extra, explained: [] };
  return explainGrants(where, missing, extra, (kind, db, name) => routineDefiner(actualServer, kind, db, name), undefined, context);
}

/**
 * An account as its grant tables store it (stored-accounts.ts: one `table {columns}` line per row), for an account a
 * side cannot show with SHOW GRANTS: the `procs_priv` rows only `actual` holds that are the automatic routine grant
 * (the rule's privileges, on a routine whose definer on `actualServer` is the account, under the routine's names or
 * their latin1 reading) are explained and taken out. Returns the actual lines left and what explained the others.
 */
export async function explainStoredRoutineGrants(
  where: { database: string; object: string },
  expected: string,
  actual: string,
  actualServer: Queryable,
  rules = comparisonRules(),
): Promise<{ actual: string; explained: Explained[] }> {
  const had = new Set(expected.split('\n'));
  const left: string[] = [];
  const explained: Explained[] = [];
  for (const line of actual.split('\n')) {
    const row =
      had.has(line) || !line.startsWith('procs_priv {')
        ? undefined
        : (JSON.parse(line.slice('procs_priv '.length)) as Record<string, string>);
    const kind = row?.['Routine_type'];
    const rule = ruleOfKind('automatic-routine-grant', rules).find((r) =>
      sameSet(
        String(row?.['Proc_priv'] ?? '')
          .toUpperCase()
          .split(','),
        r.privileges,
      ),
    );
    const grant = row && {
      kind: kind as RoutineGrant['kind'],
      db: quote(row['Db']!),
      name: quote(row['Routine_name']!),
      to: `${quote(row['User']!)}@${quote(row['Host']!)}`,
    };
    const by =
      grant && rule && (kind === 'PROCEDURE' || kind === 'FUNCTION')
        ? await definedBy(grant, (k, d, n) => routineDefiner(actualServer, k, d, n), rules)
        : false;
    if (!by || !rule) {
      left.push(line);
      continue;
    }
    const pair = { expected: '(no row)', actual: line };
    explained.push({ ...where, kind: 'account-differs-as-stored', ...ruleFinding(rule), severity: rule.severity ?? 'info', ...pair });
    if (by.mangled) explained.push({ ...where, kind: 'account-differs-as-stored', ...ruleFinding(by.mangled), ...pair });
  }
  return { actual: left.join('\n'), explained };
}
