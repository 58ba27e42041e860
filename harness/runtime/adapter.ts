import { mariadbGtid, mysqlGtid, type Family, type Flavor, type GtidAlgebra } from '../core/index.js';
import {
  failoverSql,
  galeraSql,
  mariadb,
  mariadbReplicaState,
  mysql,
  mysqlReplicaState,
  type Dialect,
  type FailoverSql,
  type ReplicaState,
  type Statement,
} from '../sql/index.js';

/** Per-node server settings a topology chooses; the adapter turns them into the flavor's command line. */
export interface ServerOptions {
  serverId: number;
  readOnly?: boolean;
  gtidDomainId?: number;
  /** Do not start replication at boot (a restored copy may carry replication settings; it is verified first). */
  skipReplicaStart?: boolean;
  /** Run the server under its supervisor (mysqld_safe), which restarts it when it crashes. */
  supervised?: boolean;
  /** Fire the replica's own triggers for replicated row events (MariaDB slave_run_triggers_for_rbr). */
  replicaRunsTriggers?: boolean;
  /** A Galera cluster member: every member's address, its own address and name, the SST method. */
  galera?: { members: readonly string[]; address: string; name: string; sst: 'rsync' | 'mariabackup' };
  extra?: readonly string[];
}

/** Where a binlog transaction starts: its GTID, the file it is in and the byte position of its first event. */
export interface BinlogTxRef {
  gtid: string;
  file: string;
  pos: number;
}

/** The transactions a replay applies: after the backup point `after`, from `first` through `last`, before `next`. */
interface ReplayBounds {
  after: string;
  first: BinlogTxRef;
  last: BinlogTxRef;
  next?: BinlogTxRef;
}

/** The binlog tool's command lines (mariadb-binlog / mysqlbinlog). File arguments are paths in the container. */
export interface BinlogTools {
  /** Streams the source's binlogs, raw, into `dir` from `firstFile` on, following rotation, never stopping. The
   * credentials come from an option file; they are never on argv. */
  stream(o: { optionFile: string; host: string; connectionId: number; dir: string; firstFile: string }): string[];
  /** Decodes binlog files to text (one file, in order) so transactions can be found in them. */
  decode(files: readonly string[], resultFile: string): string[];
  /**
   * The SQL that replays the transactions after the backup point (`after`, a GTID position or set) from `first` up to
   * and including `last`; `next` is the first transaction not to apply (MySQL, and MariaDB before 10.8, stop at its
   * byte position).
   */
  replay(files: readonly string[], range: ReplayBounds, resultFile: string): string[];
}

/**
 * Everything that differs between flavors, in one place: SQL dialect, client and server programs, how a server
 * is started. Procedures receive an adapter and never test the flavor themselves.
 */
export interface FlavorAdapter {
  flavor: Flavor;
  dialect: Dialect;
  /** Promotion, fencing, delay and semi-sync statements (harness/sql/failover.ts). */
  failover: FailoverSql;
  replicaState: (row: Record<string, unknown>) => ReplicaState;
  /** The command-line client inside a container (root over the local socket, no password). */
  client: readonly string[];
  /** Succeeds once the server answers on its socket. */
  ping: readonly string[];
  serverCommand(o: ServerOptions): string[];
  /** Where the server reads configuration drop-ins, and the drop-in that holds replication at the next start. */
  configDropIn: { dir: string; holdReplication: string };
  /** Reads every option file and command-line option, and exits non-zero naming an option the server refuses. */
  validateConfig: readonly string[];
  /** Upgrades the system tables after the server was started on an older version's datadir. */
  upgrade: readonly string[];
  /**
   * The same upgrade, its own statements kept out of the binary log (on a Galera member: not replicated to the members
   * still on the old version), as MariaDB's Galera rolling upgrade asks (`mariadb-upgrade --skip-write-binlog`).
   */
  upgradeUnlogged: readonly string[];
  /** The logical dump command (consistent snapshot, routines, events, triggers) writing to a file in the container. */
  logicalDump(databases: readonly string[], resultFile: string): string[];
  /** Where a supervised server writes its error log, and the text of the line it logs at every start. */
  supervisedLog: string;
  startLogLine: string;
  /** GTID algebra of the flavor's format. */
  gtid: GtidAlgebra;
  /** The name of the family's physical backup method (harness/backup's registry: mariabackup, the clone plugin). */
  physicalBackup: 'mariabackup' | 'clone';
  binlog: BinlogTools;
  /** Galera statements whose form depends on the version (absent on flavors without Galera). */
  galera?: { bootstrapPrimaryComponent: Statement };
}

const SUPERVISED_LOG = '/var/log/mysql/error.log';
/** Flags every node of both families gets: identity, binary and relay logs. */
const commonServerArgs = (o: ServerOptions) => [
  `--server-id=${o.serverId}`,
  '--log-bin=mysql-bin',
  '--relay-log=relay-bin',
  `--report-host=node-${o.serverId}`,
];
const supervise = (o: ServerOptions, server: string[]) =>
  o.supervised ? ['mysqld_safe', '--skip-syslog', `--log-error=${SUPERVISED_LOG}`, ...server.slice(1)] : server;

/** What a server family decides; a flavor adds its own version's details (see adapterFor). */
export type FamilyAdapter = Omit<FlavorAdapter, 'flavor' | 'galera'>;

const mariadbFamily: FamilyAdapter = {
  dialect: mariadb,
  failover: failoverSql.mariadbFailover,
  replicaState: mariadbReplicaState,
  client: ['mariadb', '--batch'],
  ping: ['mariadb-admin', '--silent', 'ping'],
  gtid: mariadbGtid,
  physicalBackup: 'mariabackup',
  configDropIn: { dir: '/etc/mysql/mariadb.conf.d', holdReplication: '[mysqld]\nskip-slave-start\n' },
  // MariaDB has no --validate-config: --help --verbose parses every option and exits 7 on an unknown one.
  validateConfig: ['mariadbd', '--verbose', '--help'],
  supervisedLog: SUPERVISED_LOG,
  binlog: {
    stream: (o) => [
      'mariadb-binlog',
      `--defaults-extra-file=${o.optionFile}`,
      '--read-from-remote-server',
      `--host=${o.host}`,
      '--raw',
      '--stop-never',
      `--stop-never-slave-server-id=${o.connectionId}`,
      `--result-file=${o.dir}/`,
      o.firstFile,
    ],
    decode: (files, out) => ['mariadb-binlog', `--result-file=${out}`, ...files],
    // MariaDB >= 10.8 takes GTID positions: the start is exclusive, the stop inclusive; original GTIDs are kept.
    replay: (files, r, out) => [
      'mariadb-binlog',
      `--start-position=${r.after}`,
      `--stop-position=${r.last.gtid}`,
      `--result-file=${out}`,
      ...files,
    ],
  },
  startLogLine: ' as process ', // "Starting MariaDB 10.11.18-... as process 192"
  upgrade: ['mariadb-upgrade'],
  upgradeUnlogged: ['mariadb-upgrade', '--skip-write-binlog'],
  logicalDump: (dbs, file) => [
    'mariadb-dump',
    '--databases',
    ...dbs,
    '--routines',
    '--events',
    '--triggers',
    '--single-transaction',
    '--hex-blob',
    '--gtid',
    '--dump-slave=2',
    `--result-file=${file}`,
  ],
  serverCommand: (o) =>
    supervise(o, [
      'mariadbd',
      ...commonServerArgs(o),
      ...(o.gtidDomainId !== undefined ? [`--gtid-domain-id=${o.gtidDomainId}`] : []),
      ...(o.readOnly ? ['--read-only=ON'] : []),
      ...(o.skipReplicaStart ? ['--skip-slave-start'] : []),
      ...(o.replicaRunsTriggers ? ['--slave-run-triggers-for-rbr=YES'] : []),
      ...(o.galera ? galeraArgs(o.galera) : []),
      ...(o.extra ?? []),
    ]),
};

/** The index of a binlog file among the paths given (the last one when `file` is absent). */
function fileIndex(files: readonly string[], file: string | undefined): number {
  const i = file ? files.findIndex((f) => f.endsWith(`/${file}`)) : files.length - 1;
  if (i < 0) throw new Error(`replay: ${file} is not among the binlog files given`);
  return i;
}

/**
 * MariaDB before 10.8: mariadb-binlog takes no GTID positions. The files from the first transaction's through the
 * next one's (or the last), starting at the first transaction's byte position in its file and stopping at the next
 * one's in its file; GTIDs are still kept as in the binlog.
 */
const replayByBytePosition: BinlogTools['replay'] = (files, r, out) => {
  const from = fileIndex(files, r.first.file);
  const to = fileIndex(files, r.next?.file);
  return [
    'mariadb-binlog',
    `--start-position=${r.first.pos}`,
    ...(r.next ? [`--stop-position=${r.next.pos}`] : []),
    `--result-file=${out}`,
    ...files.slice(from, to + 1),
  ];
};

/** Galera (galera-4) settings; failure detection is shortened from ~6 s so drills do not wait on defaults. */
const galeraArgs = (g: NonNullable<ServerOptions['galera']>) => [
  '--wsrep-on=ON',
  '--wsrep-provider=/usr/lib/galera/libgalera_smm.so',
  '--wsrep-cluster-name=firedrill',
  `--wsrep-cluster-address=gcomm://${g.members.join(',')}`,
  `--wsrep-node-address=${g.address}`,
  `--wsrep-node-name=${g.name}`,
  `--wsrep-sst-method=${g.sst}`,
  // mariabackup SST: the donor's mariadb-backup connects as the server's OS user over the socket (unix_socket, no
  // password). Said, not left to the client's default: 10.5's mariadb-backup sends an empty user (Access denied for
  // ''@'localhost'), where 10.11's takes the OS user.
  ...(g.sst === 'mariabackup' ? ['--wsrep-sst-auth=mysql:'] : []),
  '--wsrep-provider-options=evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S;gmcast.peer_timeout=PT2S;pc.wait_prim_timeout=PT30S;gcache.size=128M',
  '--innodb-autoinc-lock-mode=2',
  '--binlog-format=ROW',
];

const mysqlFamily: FamilyAdapter = {
  dialect: mysql,
  failover: failoverSql.mysqlFailover,
  replicaState: mysqlReplicaState,
  client: ['mysql', '--batch'],
  ping: ['mysqladmin', '--silent', 'ping'],
  gtid: mysqlGtid,
  physicalBackup: 'clone',
  configDropIn: { dir: '/etc/mysql/conf.d', holdReplication: '[mysqld]\nskip-replica-start\n' },
  validateConfig: ['mysqld', '--validate-config'],
  supervisedLog: SUPERVISED_LOG,
  binlog: {
    stream: (o) => [
      'mysqlbinlog',
      `--defaults-extra-file=${o.optionFile}`,
      '--read-from-remote-server',
      `--host=${o.host}`,
      '--get-server-public-key',
      '--raw',
      '--stop-never',
      `--connection-server-id=${o.connectionId}`,
      `--result-file=${o.dir}/`,
      o.firstFile,
    ],
    decode: (files, out) => ['mysqlbinlog', `--result-file=${out}`, ...files],
    // Transactions in the backup's gtid_executed are excluded; the stop is the byte position of the first
    // transaction not to apply, which --stop-position reads in the last file given.
    replay: (files, r, out) => {
      const upTo = files.slice(0, fileIndex(files, r.next?.file) + 1);
      return [
        'mysqlbinlog',
        `--exclude-gtids=${r.after}`,
        ...(r.next ? [`--stop-position=${r.next.pos}`] : []),
        `--result-file=${out}`,
        ...upTo,
      ];
    },
  },
  startLogLine: ' starting as process ', // "/usr/sbin/mysqld (mysqld 9.7.4-2) starting as process 640"
  upgrade: [], // MySQL 8.0.16+ upgrades itself at start
  upgradeUnlogged: [],
  logicalDump: (dbs, file) => [
    'mysqldump',
    '--databases',
    ...dbs,
    '--routines',
    '--events',
    '--triggers',
    '--single-transaction',
    '--hex-blob',
    '--set-gtid-purged=ON',
    `--result-file=${file}`,
  ],
  // MySQL replicas never fire triggers for row events; replicaRunsTriggers has no switch here (the poison DELETE
  // is logged as a statement instead, see the dialect).
  serverCommand: (o) =>
    supervise(o, [
      'mysqld',
      ...commonServerArgs(o),
      '--plugin-load-add=mysql_clone.so',
      ...(o.readOnly ? ['--read-only=ON'] : []),
      ...(o.skipReplicaStart ? ['--skip-replica-start'] : []),
      ...(o.extra ?? []),
    ]),
};

/** The one place a server family is dispatched on. */
const FAMILIES: Readonly<Record<Family, FamilyAdapter>> = { mariadb: mariadbFamily, mysql: mysqlFamily };

/** A family's adapter, for a live server whose flavor is not one of ours (the verify command). */
export const familyAdapter = (family: Family): FamilyAdapter => FAMILIES[family];

/** The flavor's adapter: its family's, plus what depends on the version (Galera provider options, binlog replay). */
export function adapterFor(flavor: Flavor): FlavorAdapter {
  const family = FAMILIES[flavor.family];
  return {
    ...family,
    flavor,
    ...(flavor.binlogReplayBy === 'byte-position' ? { binlog: { ...family.binlog, replay: replayByBytePosition } } : {}),
    ...(flavor.galera
      ? { galera: { bootstrapPrimaryComponent: galeraSql.bootstrapPrimaryComponent(flavor.providerOptions ?? 'options-string') } }
      : {}),
  };
}
