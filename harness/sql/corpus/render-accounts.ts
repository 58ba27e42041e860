import { createHash } from 'node:crypto';
import { qualified, quoteId } from '../inspect.js';
import { authClause, isAuthKind } from './auth.js';
import type { Caps } from './caps.js';
import type { AccountCase, Corpus } from './model.js';
import { account } from './render-objects.js';

/**
 * Accounts as a whole-server dump carries them: CREATE USER / CREATE ROLE before the schema (MySQL refuses to create
 * an account already named as a DEFINER), every GRANT after it (a routine or column grant needs its object).
 * Passwords are stored hashes of a throwaway text derived from the seed: no password is ever in the corpus.
 */

const hashFor = (a: AccountCase, seed: number) =>
  `*${createHash('sha1')
    .update(createHash('sha1').update(`corpus-${seed}-${a.user}`).digest())
    .digest('hex')
    .toUpperCase()}`;

function identified(a: AccountCase, caps: Caps, seed: number): string {
  if (isAuthKind(a.kind)) return authClause(a, seed);
  return caps.passwordHash === 'mysql-native' ? ` IDENTIFIED BY PASSWORD '${hashFor(a, seed)}'` : '';
}

/** The options CREATE USER takes after the authentication, in the order both servers accept. */
function options(a: AccountCase): string {
  switch (a.kind) {
    case 'require-ssl':
      return ' REQUIRE SSL';
    case 'resource-limits':
      return ' WITH MAX_QUERIES_PER_HOUR 500 MAX_UPDATES_PER_HOUR 50 MAX_CONNECTIONS_PER_HOUR 20 MAX_USER_CONNECTIONS 5';
    case 'password-expiry':
      return ' PASSWORD EXPIRE INTERVAL 90 DAY';
    case 'locked':
      return ' ACCOUNT LOCK';
    default:
      return '';
  }
}

const roleOf = (a: AccountCase) => `${a.user}_role`;

export function createAccounts(c: Corpus, caps: Caps): string {
  const out: string[] = [];
  for (const a of c.accounts) {
    if (a.kind === 'role-default') out.push(`CREATE ROLE ${quoteId(roleOf(a))};`);
    out.push(`CREATE USER ${account(a)}${identified(a, caps, c.seed)}${options(a)};`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** The grants of every account (after the schema and its objects exist). */
export function grantAccounts(c: Corpus, caps: Caps): string {
  const db = quoteId(c.databases[0]!);
  const out: string[] = [];
  for (const a of c.accounts) {
    const to = account(a);
    switch (a.kind) {
      case 'host-name':
        out.push(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${db}.* TO ${to};`);
        break;
      case 'wildcard':
        out.push(`GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ${to};`);
        break;
      case 'ip-mask':
        out.push(`GRANT SELECT ON ${db}.* TO ${to};`);
        break;
      case 'localhost':
        out.push(`GRANT ALL PRIVILEGES ON ${db}.* TO ${to} WITH GRANT OPTION;`);
        break;
      case 'role-default': {
        const role = quoteId(roleOf(a));
        out.push(`GRANT SELECT, SHOW VIEW ON ${db}.* TO ${role};`, `GRANT ${role} TO ${to};`);
        out.push(
          caps.defaultRole === 'set-default-role-for' ? `SET DEFAULT ROLE ${role} FOR ${to};` : `ALTER USER ${to} DEFAULT ROLE ${role};`,
        );
        break;
      }
      case 'column-grant': {
        const cols = a.on!.columns.slice(0, 2).map(quoteId);
        out.push(`GRANT SELECT (${cols.join(', ')}), UPDATE (${cols[cols.length - 1]}) ON ${qualified(a.on!.db, a.on!.name)} TO ${to};`);
        break;
      }
      case 'routine-grant':
        out.push(`GRANT EXECUTE ON PROCEDURE ${qualified(a.on!.db, a.on!.name)} TO ${to};`);
        break;
      case 'proxy':
        out.push(`GRANT PROXY ON ${account(c.definers.existing)} TO ${to};`);
        break;
      default:
        out.push(`GRANT USAGE ON ${db}.* TO ${to};`);
        break;
    }
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
