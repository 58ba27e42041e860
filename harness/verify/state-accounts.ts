import { randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { inspect, stateSql } from '../sql/index.js';
import { normaliseAccountQuotes } from './accounts.js';
import { check, reason, type CheckResult, type Difference, type Queryable } from './check.js';
import { type Explained, ruleOfKind } from './equivalence.js';
import { grantDifferences } from './grant-rules.js';
import { hostIsName, ignoresHostNames, storedAccount } from './stored-accounts.js';

/**
 * Accounts and grants in a recorded state (state-file.ts): without any password hash, a salted scrypt digest of each
 * account's authentication stands for it; an account whose host is a name also has the digest of its rows as the
 * grant tables store them, compared where the restore server ignores such accounts (skip_name_resolve).
 */
interface StateAccount {
  /** SHOW GRANTS lines with every secret replaced by <secret>. */
  grants: string[];
  /** scrypt(SHOW CREATE USER text, salt): equal when the authentication is the same; a role has none. */
  authDigest: string | null;
  /** For an account whose host is a name: scrypt(the account as the grant tables store it, salt), what is compared
   * where a server ignores such accounts (skip_name_resolve) and SHOW GRANTS cannot show it. */
  stored?: string;
}

export interface StateAccounts {
  salt: string;
  list: Record<string, StateAccount>;
}

type Row = Record<string, unknown>;
const scryptAsync = promisify(scrypt) as (p: string, s: Buffer, n: number, o: object) => Promise<Buffer>;
/** Costly on purpose (each guess at a password costs a scrypt), cheap enough for hundreds of accounts. */
const SCRYPT = { N: 1 << 14, r: 8, p: 1 };
const firstValue = (row: Row | undefined) => (row ? String(Object.values(row)[0] ?? '') : '');

/** Every account's grants (secrets stripped) and a salted digest of its authentication. */
async function accountsOf(q: Queryable, salt: Buffer, exclude: readonly string[] = []): Promise<Record<string, StateAccount>> {
  const out: Record<string, StateAccount> = {};
  for (const a of await q.query<{ user: string; host: string }>(inspect.listAccounts())) {
    const user = String(a.user);
    const host = String(a.host);
    if (exclude.includes(user)) continue;
    const key = `'${user}'@'${host}'`;
    const isRole = host === '';
    let grants: string[];
    try {
      grants = (await q.query<Row>(isRole ? stateSql.showGrantsForRole(user) : inspect.showGrants(user, host)))
        .map((r) => normaliseAccountQuotes(stateSql.stripSecrets(firstValue(r))))
        .sort();
    } catch (e) {
      grants = [`<grants not readable: ${reason(e)}>`];
    }
    let authDigest: string | null = null;
    if (!isRole) {
      try {
        const [r] = await q.query<Row>(inspect.showCreateUser(user, host));
        authDigest = (await scryptAsync(firstValue(r), salt, 16, SCRYPT)).toString('hex');
      } catch (e) {
        authDigest = `<not readable: ${reason(e)}>`;
      }
    }
    const stored = hostIsName(host) ? await storedDigest(q, user, host, salt) : undefined;
    out[key] = { grants, authDigest, ...(stored === undefined ? {} : { stored }) };
  }
  return out;
}

/** The salted digest of an account as stored in the grant tables (its rows carry password hashes). */
async function storedDigest(q: Queryable, user: string, host: string, salt: Buffer): Promise<string> {
  try {
    return (await scryptAsync(await storedAccount(q, user, host), salt, 16, SCRYPT)).toString('hex');
  } catch (e) {
    return `<not readable: ${reason(e)}>`;
  }
}

const notReadable = (a: StateAccount) =>
  a.grants.some((g) => g.startsWith('<grants not readable')) || !!a.authDigest?.startsWith('<not readable');

/** Every account of the server (the harness's own aside), with a new salt. */
export async function recordAccounts(q: Queryable): Promise<StateAccounts> {
  const salt = randomBytes(16);
  return { salt: salt.toString('hex'), list: await accountsOf(q, salt) };
}

/** The restored server's accounts against the recorded ones: missing, unexpected, grants, authentication. */
export async function compareStateAccounts(expected: StateAccounts, q: Queryable, ownAccounts?: readonly string[]): Promise<CheckResult> {
  const actual = await accountsOf(q, Buffer.from(expected.salt, 'hex'), ownAccounts);
  const ad: Difference[] = [];
  const explained: Explained[] = [];
  const [envRule] = ruleOfKind('environment-account');
  // Whether this server ignores host-name accounts: asked once, only when the state holds such an account.
  const ignoring = Object.values(expected.list).some((a) => a.stored !== undefined) && (await ignoresHostNames(q));
  for (const key of [...new Set([...Object.keys(expected.list), ...Object.keys(actual)])].sort()) {
    const e = expected.list[key];
    const a = actual[key];
    if (!a) ad.push({ database: 'mysql', object: key, kind: 'account-missing' });
    else if (!e) ad.push({ database: 'mysql', object: key, kind: 'account-unexpected' });
    else if ((notReadable(e) || notReadable(a)) && e.stored !== undefined && a.stored !== undefined && ignoring) {
      // The restore server ignores host-name accounts (skip_name_resolve): the accounts are compared as stored.
      if (e.stored !== a.stored) ad.push({ database: 'mysql', object: key, kind: 'account-differs-as-stored' });
      if (envRule)
        explained.push({
          database: 'mysql',
          object: key,
          kind: 'account-not-readable',
          rule: envRule.id,
          severity: envRule.severity ?? 'warning',
          finding: envRule.finding,
          advice: envRule.advice,
          cite: envRule.cite,
        });
    } else {
      const g = await grantDifferences({ database: 'mysql', object: key }, e.grants, a.grants, q);
      explained.push(...g.explained);
      if (g.missing.length || g.extra.length)
        ad.push({ database: 'mysql', object: key, kind: 'grants-differ', expected: e.grants, actual: a.grants });
      if (e.authDigest !== a.authDigest) ad.push({ database: 'mysql', object: key, kind: 'authentication-differs' });
    }
  }
  return check('state-accounts', ad, { accountsCompared: Object.keys(expected.list).length, ...(explained.length ? { explained } : {}) });
}
