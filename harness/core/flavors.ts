import { UsageError } from './errors.js';

/** The server flavors firedrill can bring up (each one's entry in FLAVORS says how its image is made). */
export type FlavorId = 'mariadb-10.11' | 'mariadb-11.8' | 'mysql-9.7';
/** A server family: one SQL dialect, GTID format and set of tools (harness/runtime/adapter.ts). */
export type Family = 'mariadb' | 'mysql';

/** A flavor: its family, and how its image is made from Debian packages. */
export interface Flavor {
  id: FlavorId;
  family: Family;
  /** Debian suite the image is bootstrapped from. */
  suite: string;
  /** Packages debootstrap installs into the base. */
  packages: readonly string[];
  /** Folder under docker/ holding the Dockerfile and files layered on the base. */
  dockerDir: string;
  /** Whether the flavor can run a Galera cluster. */
  galera: boolean;
  /**
   * How Galera provider options are changed at run time: through `wsrep_provider_options` (10.11), or, from
   * MariaDB 11.1, through one system variable each (`wsrep_provider_pc_bootstrap`); there the old variable is read-only.
   */
  providerOptions?: 'options-string' | 'variables';
}

const common = ['procps', 'iptables', 'zstd', 'ca-certificates'];

export const FLAVORS: Readonly<Record<FlavorId, Flavor>> = {
  'mariadb-10.11': {
    id: 'mariadb-10.11',
    family: 'mariadb',
    suite: 'bookworm',
    dockerDir: 'mariadb',
    galera: true,
    providerOptions: 'options-string',
    packages: ['mariadb-server', 'mariadb-client', 'mariadb-backup', 'galera-4', 'rsync', 'socat', ...common],
  },
  'mariadb-11.8': {
    id: 'mariadb-11.8',
    family: 'mariadb',
    suite: 'trixie',
    dockerDir: 'mariadb',
    galera: true,
    providerOptions: 'variables',
    packages: ['mariadb-server', 'mariadb-client', 'mariadb-backup', 'galera-4', 'rsync', 'socat', ...common],
  },
  'mysql-9.7': {
    id: 'mysql-9.7',
    family: 'mysql',
    suite: 'sid',
    dockerDir: 'mysql',
    galera: false,
    packages: ['mysql-server-core', 'mysql-client', ...common],
  },
};

export const DEFAULT_FLAVOR: FlavorId = 'mariadb-10.11';

export function isFlavorId(s: string): s is FlavorId {
  return Object.hasOwn(FLAVORS, s);
}

/** Looks a flavor up by id; the error lists the valid ids (bad input, exit 2 at the CLI). */
export function flavor(id: string): Flavor {
  if (!isFlavorId(id)) throw new UsageError(`unknown flavor '${id}' (known: ${Object.keys(FLAVORS).join(', ')})`);
  return FLAVORS[id];
}

/** The server family a VERSION() string belongs to. */
export function familyOfVersion(version: string): Family {
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}
