import { FLAVORS, type FlavorId } from '../../core/index.js';
import type { AuthKind } from './model.js';

/**
 * What a flavor's server can hold, for the corpus: a case a flavor cannot hold is left out for that flavor (never
 * rendered in a form it would refuse). Sources: MariaDB and MySQL reference manuals of each version.
 */
export interface Caps {
  family: 'mariadb' | 'mysql';
  /**
   * Aria, sequences, system-versioned tables, application-time periods: MariaDB only. The network types table holds
   * INET6 (10.5), UUID (10.7) and INET4 (10.10) together: MariaDB 10.10 and later.
   */
  aria: boolean;
  sequences: boolean;
  versioning: boolean;
  periods: boolean;
  networkTypes: boolean;
  /** MySQL 8.0+ partitions only InnoDB tables (MyISAM's native partitioning was removed); MariaDB partitions every engine. */
  partitionEngines: readonly ('InnoDB' | 'MyISAM' | 'Aria')[];
  /** Engines that take a descending index (MySQL: InnoDB only; MyISAM refuses it with ERROR 1178). */
  descendingIndexEngines: readonly ('InnoDB' | 'MyISAM' | 'Aria')[];
  /** InnoDB PAGE_COMPRESSED=1 (MariaDB). */
  pageCompressed: boolean;
  /** A NO PAD binary collation of utf8mb4 and a PAD SPACE one. */
  noPadCollation: string;
  padCollation: string;
  /** MySQL's SPATIAL index wants an SRID attribute on the column to be usable. */
  spatialSrid: boolean;
  /** How a user gets a default role. */
  defaultRole: 'set-default-role-for' | 'alter-user-default-role';
  /** How a stored password is written in CREATE USER (a hash: no password is ever in the corpus). */
  passwordHash: 'mysql-native' | 'none';
  /** The sql_mode PAD_CHAR_TO_FULL_LENGTH (MariaDB; MySQL 8.0 deprecated it and 9.x removed it). */
  padCharToFullLength: boolean;
  /** The authentication plugins the build ships that a dump can carry (docs/corpus.md, "Authentication plugins"). */
  authKinds: readonly AuthKind[];
  /**
   * InnoDB `ENCRYPTED=YES ENCRYPTION_KEY_ID=n` under `file_key_management` (MariaDB: the plugin ships with 10.11.18
   * and 11.8.9). MySQL encrypts with a keyring component and `ENCRYPTION='Y'`: not generated yet.
   */
  encryption: boolean;
}

export function capsOf(flavor: FlavorId): Caps {
  const maria = FLAVORS[flavor].family === 'mariadb';
  const [major = 0, minor = 0] = FLAVORS[flavor].series.split('.').map(Number);
  return {
    family: maria ? 'mariadb' : 'mysql',
    aria: maria,
    sequences: maria,
    versioning: maria,
    periods: maria,
    networkTypes: maria && major * 100 + minor >= 1010,
    partitionEngines: maria ? ['InnoDB', 'MyISAM', 'Aria'] : ['InnoDB'],
    descendingIndexEngines: maria ? ['InnoDB', 'MyISAM', 'Aria'] : ['InnoDB'],
    pageCompressed: maria,
    noPadCollation: maria ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin',
    padCollation: 'utf8mb4_bin',
    spatialSrid: !maria,
    defaultRole: maria ? 'set-default-role-for' : 'alter-user-default-role',
    // MySQL 9 no longer loads mysql_native_password; a caching_sha2_password hash is binary and salted: MySQL accounts
    // of the corpus have no password (what a dump of them carries is their other attributes).
    passwordHash: maria ? 'mysql-native' : 'none',
    padCharToFullLength: maria,
    // Checked on the images (2026-12-07): MariaDB 10.11.18 has unix_socket built in and ships auth_ed25519.so (and
    // auth_pam, left out: it needs the host's PAM); MySQL 9.7.4 has caching_sha2_password and sha256_password built
    // in and ships auth_socket.so and mysql_no_login.so; its mysql_native_password.so no longer installs as a plugin
    // (nor does authentication_webauthn.so without its settings). MariaDB 11.8.9 also
    // ships auth_parsec.so (parsec: MariaDB 11.6+).
    authKinds: maria
      ? ['auth-ed25519', 'auth-unix-socket', 'auth-two-plugins', ...(major * 100 + minor >= 1106 ? (['auth-parsec'] as const) : [])]
      : ['auth-caching-sha2', 'auth-sha256', 'auth-socket', 'auth-no-login'],
    encryption: maria,
  };
}
