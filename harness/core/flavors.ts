import { UsageError } from './errors.js';

/** A server family: one SQL dialect, GTID format and set of tools (harness/runtime/adapter.ts). */
export type Family = 'mariadb' | 'mysql';

/**
 * A flavor: its family, its version series, and how its image is made from Debian packages. Code reads these
 * fields, never the id's spelling: a new flavor of an existing family is one entry below plus its image recipe
 * (docker/<dockerDir>/).
 */
interface FlavorFields {
  family: Family;
  /** The server's version series ('10.11', '9.7'): what a backup's version is compared with. */
  series: string;
  /** Debian suite the image is bootstrapped from. */
  suite: string;
  /** Packages debootstrap installs into the base. */
  packages: readonly string[];
  /** Folder under docker/ holding the Dockerfile and files layered on the base. */
  dockerDir: string;
  /** Whether the flavor can run a Galera cluster. */
  galera: boolean;
  /** Whether the flavor can run a MySQL Group Replication group (its image ships the group_replication plugin). */
  groupReplication: boolean;
  /**
   * How Galera provider options are changed at run time: through `wsrep_provider_options` (10.11), or, from
   * MariaDB 11.1, through one system variable each (`wsrep_provider_pc_bootstrap`); there the old variable is read-only.
   */
  providerOptions?: 'options-string' | 'variables';
  /**
   * How the binlog tool is told where a replay starts and stops: by GTID (MariaDB >= 10.8's mariadb-binlog), or by
   * file and byte position (MariaDB 10.5's, which takes no GTID positions). Absent: the family's way.
   */
  binlogReplayBy?: 'gtid' | 'byte-position';
}

const common = ['procps', 'iptables', 'zstd', 'ca-certificates'];

const ENTRIES = {
  'mariadb-10.5': {
    series: '10.5',
    family: 'mariadb',
    suite: 'bullseye',
    dockerDir: 'mariadb',
    galera: true,
    groupReplication: false,
    providerOptions: 'options-string',
    binlogReplayBy: 'byte-position',
    packages: ['mariadb-server', 'mariadb-client', 'mariadb-backup', 'galera-4', 'rsync', 'socat', ...common],
  },
  'mariadb-10.11': {
    series: '10.11',
    family: 'mariadb',
    suite: 'bookworm',
    dockerDir: 'mariadb',
    galera: true,
    groupReplication: false,
    providerOptions: 'options-string',
    packages: ['mariadb-server', 'mariadb-client', 'mariadb-backup', 'galera-4', 'rsync', 'socat', ...common],
  },
  'mariadb-11.8': {
    series: '11.8',
    family: 'mariadb',
    suite: 'trixie',
    dockerDir: 'mariadb',
    galera: true,
    groupReplication: false,
    providerOptions: 'variables',
    packages: ['mariadb-server', 'mariadb-client', 'mariadb-backup', 'galera-4', 'rsync', 'socat', ...common],
  },
  'mysql-9.7': {
    series: '9.7',
    family: 'mysql',
    suite: 'sid',
    dockerDir: 'mysql',
    galera: false,
    groupReplication: true,
    packages: ['mysql-server-core', 'mysql-client', ...common],
  },
} satisfies Record<string, FlavorFields>;

/** The server flavors firedrill can bring up (each one's entry says how its image is made). */
export type FlavorId = keyof typeof ENTRIES;
export interface Flavor extends FlavorFields {
  id: FlavorId;
}

export const FLAVORS: Readonly<Record<FlavorId, Flavor>> = Object.fromEntries(
  Object.entries(ENTRIES).map(([id, f]) => [id, { id, ...f }]),
) as unknown as Record<FlavorId, Flavor>;

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

/** The flavor of a family that runs a version series (e.g. the one a mariabackup of 11.8 needs), if one is defined. */
export function flavorOfSeries(family: Family, series: string): Flavor | undefined {
  return Object.values(FLAVORS).find((f) => f.family === family && f.series === series);
}

/** The series of a version string ('10.11.6-MariaDB-0+deb12u1' → '10.11'). */
export const seriesOf = (version: string): string => version.split('.').slice(0, 2).join('.');
