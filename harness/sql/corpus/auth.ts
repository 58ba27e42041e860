import { createHash } from 'node:crypto';
import { cachingSha2Stored, ed25519Stored, parsecStored, sha256PasswordStored, throwawayText } from './auth-hashes.js';
import { RUN_KEY_FILE } from '../../core/index.js';
import type { AccountCase, AuthKind, Corpus } from './model.js';
import { KEY_PLUGIN, keysNeeded } from './encryption.js';

/**
 * Accounts authenticated by the plugins a build ships (issue 19): the IDENTIFIED clause of each, with the stored
 * string of a throwaway text (never a password), and the my.cnf that loads the plugins they need. Sources: MariaDB KB
 * "Authentication Plugin - ed25519", "Authentication Plugin - PARSEC", "Authentication Plugin - Unix Socket", "CREATE USER" (IDENTIFIED VIA … OR …);
 * MySQL 9.7 reference manual 8.4.1.2 "Caching SHA-2 Pluggable Authentication", 8.4.1.3 "SHA-256 Pluggable
 * Authentication", 8.4.1.10 "Socket Peer-Credential Pluggable Authentication", 8.4.1.9 "No-Login Pluggable Authentication", 15.7.1.3 "CREATE USER" (`AS 'auth_string'`).
 */

export const isAuthKind = (k: string): k is AuthKind => k.startsWith('auth-');

/** The MariaDB mysql_native_password hash of a text: `*` + SHA1(SHA1(text)) in upper-case hex. */
export const nativeHash = (text: string) =>
  `*${createHash('sha1').update(createHash('sha1').update(text).digest()).digest('hex').toUpperCase()}`;

/** The throwaway text an account's stored string is computed from (seed and user: the same corpus, the same hash). */
export const textOf = (a: AccountCase, seed: number) => throwawayText(`${seed}-${a.user}`);

const hex = (s: string) => `0x${Buffer.from(s, 'latin1').toString('hex')}`;

/** The IDENTIFIED clause of an account authenticated by a plugin (with a leading space); '' for other kinds. */
export function authClause(a: AccountCase, seed: number): string {
  const text = textOf(a, seed);
  switch (a.kind) {
    case 'auth-ed25519':
      return ` IDENTIFIED VIA ed25519 USING '${ed25519Stored(text)}'`;
    case 'auth-unix-socket':
      return ' IDENTIFIED VIA unix_socket';
    case 'auth-two-plugins':
      return ` IDENTIFIED VIA ed25519 USING '${ed25519Stored(text)}' OR unix_socket`;
    case 'auth-parsec':
      return ` IDENTIFIED VIA parsec USING '${parsecStored(text, `${seed}-${a.user}`)}'`;
    case 'auth-caching-sha2':
      // as hex: the stored string is bytes (a salt), whatever they are
      return ` IDENTIFIED WITH caching_sha2_password AS ${hex(cachingSha2Stored(text, `${seed}-${a.user}`))}`;
    case 'auth-sha256':
      return ` IDENTIFIED WITH sha256_password AS ${hex(sha256PasswordStored(text, `${seed}-${a.user}`))}`;
    case 'auth-socket':
      return ' IDENTIFIED WITH auth_socket';
    case 'auth-no-login':
      return ' IDENTIFIED WITH mysql_no_login';
    default:
      return '';
  }
}

/** The plugin libraries an account kind needs loaded (built-in plugins need none). */
const LIBRARY: Partial<Record<AuthKind, { plugin: string; library: string }>> = {
  'auth-ed25519': { plugin: 'ed25519', library: 'auth_ed25519' },
  'auth-two-plugins': { plugin: 'ed25519', library: 'auth_ed25519' },
  'auth-parsec': { plugin: 'parsec', library: 'auth_parsec' },
  'auth-socket': { plugin: 'auth_socket', library: 'auth_socket.so' },
  'auth-no-login': { plugin: 'mysql_no_login', library: 'mysql_no_login.so' },
};

/**
 * The plugins a corpus needs loaded on every server that holds it (primary, replicas, restore servers): those of its
 * accounts, and `file_key_management` when it has encrypted tables (keysNeeded).
 */
export function pluginsNeeded(c: Corpus): Array<{ plugin: string; library: string }> {
  const out = new Map<string, { plugin: string; library: string }>();
  for (const a of c.accounts) {
    const l = isAuthKind(a.kind) ? LIBRARY[a.kind] : undefined;
    if (l) out.set(l.plugin, l);
  }
  if (keysNeeded(c).length) out.set(KEY_PLUGIN, { plugin: KEY_PLUGIN, library: KEY_PLUGIN });
  return [...out.values()];
}

/**
 * The my.cnf that loads them (the file a team passes as `--server-config`, the same on every node): '' when the corpus
 * needs none. A plugin loaded by INSTALL SONAME is not written to the binary log: a replica must load it itself. With
 * encrypted tables it names the key file (`keyFile`: where the run's keys are in the container, core/key-file.ts),
 * which must hold every id of keysNeeded.
 */
export function pluginsCnf(c: Corpus, keyFile: string = RUN_KEY_FILE): string {
  const need = pluginsNeeded(c);
  if (!need.length) return '';
  const keys = need.some((p) => p.plugin === KEY_PLUGIN) ? [`file_key_management_filename = ${keyFile}`] : [];
  return ['[mysqld]', ...need.map((p) => `plugin_load_add = ${p.library}`), ...keys, ''].join('\n');
}
