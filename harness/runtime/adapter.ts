import { dialectFor, replicaStateFor, type Dialect, type ReplicaState } from '../sql/index.js';
import type { Flavor } from './flavors.js';
import { formatMariaState, parseMariaState, subtractMariaState } from './gtid.js';

/** Per-node server settings a topology chooses; the adapter turns them into the flavor's command line. */
export interface ServerOptions {
  serverId: number;
  readOnly?: boolean;
  gtidDomainId?: number;
  extra?: readonly string[];
}

/**
 * Everything that differs between flavors, in one place: SQL dialect, client and server programs, how a server
 * is started. Procedures receive an adapter and never test the flavor themselves.
 */
export interface FlavorAdapter {
  flavor: Flavor;
  dialect: Dialect;
  replicaState: (row: Record<string, unknown>) => ReplicaState;
  /** The command-line client inside a container (root over the local socket, no password). */
  client: readonly string[];
  /** Succeeds once the server answers on its socket. */
  ping: readonly string[];
  serverCommand(o: ServerOptions): string[];
  /** GTID set algebra of the flavor's format. */
  gtid: {
    /** Transactions in set `a` that `b` lacks, formatted ('' when none). */
    subtract(a: string, b: string): string;
    /** The server id that wrote each transaction of a formatted set, as the flavor names it (MariaDB: server id;
     * MySQL: source uuid). */
    writers(set: string): string[];
  };
}

const mariadbAdapter = (flavor: Flavor): FlavorAdapter => ({
  flavor,
  dialect: dialectFor('mariadb'),
  replicaState: replicaStateFor('mariadb'),
  client: ['mariadb', '--batch'],
  ping: ['mariadb-admin', '--silent', 'ping'],
  gtid: {
    subtract: (a, b) => formatMariaState(subtractMariaState(parseMariaState(a), parseMariaState(b))),
    writers: (set) => [...parseMariaState(set).values()].map((g) => String(g.server)),
  },
  serverCommand: (o) => [
    'mariadbd',
    `--server-id=${o.serverId}`,
    '--log-bin=mysql-bin',
    '--relay-log=relay-bin',
    `--report-host=node-${o.serverId}`,
    ...(o.gtidDomainId !== undefined ? [`--gtid-domain-id=${o.gtidDomainId}`] : []),
    ...(o.readOnly ? ['--read-only=ON'] : []),
    ...(o.extra ?? []),
  ],
});

export function adapterFor(flavor: Flavor): FlavorAdapter {
  switch (flavor.family) {
    case 'mariadb': return mariadbAdapter(flavor);
    default: throw new Error(`flavor ${flavor.id} has no adapter yet`);
  }
}
