import { createHash } from 'node:crypto';
import { inspect } from '../sql/index.js';
import { check, reason, type CheckResult, type Difference, type Queryable } from './check.js';
import { type ComparisonContext, type Explained, ruleOfKind } from './equivalence.js';
import { explainStoredRoutineGrants, grantDifferences } from './grant-rules.js';
import { hostIsName, ignoresHostNames, storedAccount } from './stored-accounts.js';

/**
 * Authentication strings in SHOW CREATE USER / SHOW GRANTS text (password hashes, plugin data) replaced by a short
 * digest: compared, never printed.
 */
export function maskSecrets(text: string): string {
  const digest = (s: string) => `<auth sha256:${createHash('sha256').update(s).digest('hex').slice(0, 16)}>`;
  // BY PASSWORD '…' / USING '…' (MariaDB), AS '…' (MySQL): the quoted string after them is the secret.
  return text.replace(
    /\b(PASSWORD|USING|AS)(\s+)'((?:[^'\\]|\\.|'')*)'/g,
    (_m, kw: string, sp: string, secret: string) => `${kw}${sp}${digest(secret)}`,
  );
}

/**
 * One quoting style for account names in SHOW GRANTS / SHOW CREATE USER text: MariaDB 10.11 prints a PROXY grant's
 * accounts as 'user'@'host', 11.8 as `user`@`host` (the same grant).
 */
export function normaliseAccountQuotes(text: string): string {
  return text.replace(
    /'((?:[^'\\]|\\.|'')*)'@'((?:[^'\\]|\\.|'')*)'/g,
    (_m, u: string, h: string) => `\`${u.replace(/''/g, "'")}\`@\`${h.replace(/''/g, "'")}\``,
  );
}

interface AccountState {
  user: string;
  host: string;
  definition: string;
  grants: string[];
  /** SHOW CREATE USER or SHOW GRANTS failed for it. */
  unreadable: boolean;
}

/** Every account and role with its definition (secrets masked) and its grants (sorted). Reads only. */
async function accountStates(q: Queryable, exclude: readonly string[] = []): Promise<Map<string, AccountState>> {
  const out = new Map<string, AccountState>();
  for (const a of await q.query<{ user: string; host: string }>(inspect.listAccounts())) {
    const user = String(a.user);
    const host = String(a.host ?? '');
    if (exclude.includes(user)) continue;
    let definition: string;
    let unreadable = false;
    try {
      const [row] = await q.query<Record<string, unknown>>(inspect.showCreateUser(user, host));
      definition = normaliseAccountQuotes(maskSecrets(String(Object.values(row ?? {})[0] ?? '')));
    } catch (e) {
      // A MariaDB role has no CREATE USER: its grants say what it is.
      definition = host === '' ? '(role)' : `<definition not readable: ${reason(e)}>`;
      unreadable = host !== '';
    }
    let grants: string[];
    try {
      grants = (await q.query<Record<string, unknown>>(inspect.showGrants(user, host)))
        .map((r) => normaliseAccountQuotes(maskSecrets(String(Object.values(r)[0]))))
        .sort();
    } catch (e) {
      grants = [`<grants not readable: ${reason(e)}>`];
      unreadable = true;
    }
    out.set(host === '' ? user : `${user}@${host}`, { user, host, definition, grants, unreadable });
  }
  return out;
}

/**
 * The accounts of several sources as one server replicating from all of them holds them (a fan-in): every account of
 * any source, each with the grants of every source that has it. Each account remembers the source it was read on.
 */
function unionOf(sources: ReadonlyArray<{ q: Queryable; m: Map<string, AccountState> }>): Map<string, AccountState & { on: Queryable }> {
  const out = new Map<string, AccountState & { on: Queryable }>();
  for (const { q, m } of sources)
    for (const [k, st] of m) {
      const had = out.get(k);
      out.set(k, had ? { ...had, grants: [...new Set([...had.grants, ...st.grants])].sort() } : { ...st, on: q });
    }
  return out;
}

/**
 * Accounts, roles and grants equal on both servers (accounts named in `exclude` aside, e.g. the harness's own):
 * each account present on both, with the same definition (authentication compared by digest only) and the same grants.
 * With several sources (a fan-in replica), the expected accounts are their union: every account of every source, with
 * the grants of every source that has it.
 */
export async function compareAccounts(
  source: Queryable | readonly Queryable[],
  dst: Queryable,
  exclude: readonly string[] = [],
  name = 'accounts',
  context: ComparisonContext = {},
): Promise<CheckResult> {
  const sources = Array.isArray(source) ? (source as readonly Queryable[]) : [source as Queryable];
  const read = (q: Queryable) =>
    accountStates(q, exclude).then(
      (m) => ({ q, m, error: '' }),
      (e: unknown) => ({ q, m: new Map<string, AccountState>(), error: reason(e) }),
    );
  const [rb, ...ras] = await Promise.all([read(dst), ...sources.map(read)]);
  const srcError = ras.find((r) => r.error)?.error ?? '';
  if (srcError || rb!.error) {
    // Accounts that could not be listed (e.g. no SELECT on mysql.user) were not compared: a difference, never "equal".
    return check(
      name,
      [{ database: '*', object: 'accounts', kind: 'accounts-not-readable', expected: srcError || '(read)', actual: rb!.error || '(read)' }],
      { excluded: exclude },
    );
  }
  const a = unionOf(ras);
  const b = rb!.m;
  const diffs: Difference[] = [];
  const explained: Explained[] = [];
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const e = a.get(k);
    const t = b.get(k);
    if (!t) {
      diffs.push({ database: '*', object: k, kind: 'account-missing' });
      continue;
    }
    if (!e) {
      diffs.push({ database: '*', object: k, kind: 'account-unexpected' });
      continue;
    }
    if ((e.unreadable || t.unreadable) && hostIsName(e.host)) {
      const asStored = await compareAsStored(e.on, dst, e, t, k);
      if (asStored) {
        if (asStored.difference) diffs.push(asStored.difference);
        explained.push(...asStored.explained);
        continue;
      }
    }
    if (e.definition.startsWith('<definition not readable') || t.definition.startsWith('<definition not readable')) {
      diffs.push({ database: '*', object: k, kind: 'account-not-readable', expected: e.definition, actual: t.definition });
    } else if (e.definition !== t.definition) {
      diffs.push({ database: '*', object: k, kind: 'account-definition-differs', expected: e.definition, actual: t.definition });
    }
    const g = await grantDifferences({ database: '*', object: k }, e.grants, t.grants, dst, context);
    explained.push(...g.explained);
    if (g.missing.length || g.extra.length)
      diffs.push({ database: '*', object: k, kind: 'grants-differ', expected: g.missing, actual: g.extra });
  }
  return check(name, diffs, {
    accountsCompared: new Set([...a.keys(), ...b.keys()]).size,
    excluded: exclude,
    ...(explained.length ? { explained } : {}),
  });
}

/**
 * An account SHOW GRANTS cannot show on a side that ignores host-name accounts (skip_name_resolve): compared as both
 * grant tables store it, with the environment's effect explained (rule host-name-account-under-skip-name-resolve).
 * Nothing when the rule does not apply (the account is unreadable for another reason: that stays a difference).
 */
async function compareAsStored(
  src: Queryable,
  dst: Queryable,
  e: AccountState,
  t: AccountState,
  key: string,
): Promise<{ difference?: Difference; explained: Explained[] } | undefined> {
  const [rule] = ruleOfKind('environment-account');
  if (!rule) return undefined;
  const ignoring = [e.unreadable ? src : undefined, t.unreadable ? dst : undefined].filter((q): q is Queryable => !!q);
  for (const q of ignoring) if (!(await ignoresHostNames(q))) return undefined;
  const [se, st] = await Promise.all([storedAccount(src, e.user, e.host), storedAccount(dst, t.user, t.host)]);
  const explained: Explained[] = ignoring.map((q) => ({
    database: '*',
    object: key,
    kind: 'account-not-readable',
    rule: rule.id,
    severity: rule.severity ?? 'warning',
    finding: `${q.name}: ${rule.finding}`,
    advice: rule.advice,
    cite: rule.cite,
  }));
  if (se === st && se !== '') return { explained };
  if (se !== '' && st !== '') {
    // the routine grant the copy's server gave the definer, stored like the rest (F4, also with F7's names)
    const routine = await explainStoredRoutineGrants({ database: '*', object: key }, se, st, dst);
    if (routine.explained.length && routine.actual === se) return { explained: [...explained, ...routine.explained] };
  }
  return {
    explained,
    difference: {
      database: '*',
      object: key,
      kind: 'account-differs-as-stored',
      expected: se || '(not in the grant tables)',
      actual: st || '(not in the grant tables)',
    },
  };
}
