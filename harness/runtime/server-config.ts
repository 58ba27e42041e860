import { canonicalOption, type Family, isServerGroup, optionsOf, parseSingleOptionFile } from '../core/index.js';
import { readSingleOptionFile } from './option-file.js';

/**
 * The user's server configuration (`--server-config my.cnf`), applied to every node of a drill (seed 004: the same
 * configuration everywhere). It goes in as a configuration drop-in read after firedrill's own defaults, so the user's
 * settings win over those; the options a topology needs (identity, GTID, binary and relay logs, roles, networking,
 * paths) are then pinned on the command line, which wins over every file. Which of the user's options were
 * overridden, and with what, goes into the result.
 */

interface ServerConfigOption {
  /** Canonical name: lower case, dashes, no loose-/skip-/enable-/disable- prefix. */
  name: string;
  /** The value as written (`ON`/`OFF` for a bare flag or a skip-/disable- form). */
  value: string;
  group: string;
  line: number;
}

export interface ServerConfig {
  path: string;
  text: string;
  options: ServerConfigOption[];
  /** Options of the file commented out by firedrill (withoutOptions), each with its line and why: absent for the file as given. */
  leftOut?: LeftOut[];
}

/** An option line firedrill commented out of the user's file, and why. */
interface LeftOut {
  option: string;
  line: number;
  why: string;
}

/** The server groups' options of one file's text (the one option-file parser); `!include` / `!includedir` are refused. */
export function parseServerConfig(text: string, path: string): ServerConfig {
  const options = optionsOf(parseSingleOptionFile(text, path))
    .filter((o) => isServerGroup(o.group))
    .map((o) => ({ ...canonicalOption(o.raw, o.value), group: o.group, line: o.line }));
  return { path, text, options };
}

export async function readServerConfig(path: string): Promise<ServerConfig> {
  const f = await readSingleOptionFile(path);
  return parseServerConfig(f.text, f.path);
}

/** What a node is, as far as pinned options go. */
export interface NodeRole {
  serverId: number;
  readOnly: boolean;
  galera: boolean;
  skipReplicaStart: boolean;
}

/**
 * Options the topology needs, and the value it pins for a node; `undefined` value: the option is already on the
 * command line (the flavor adapter puts it there), so the user's setting is overridden without another flag.
 */
export function pinnedOptions(family: Family, role: NodeRole): ReadonlyArray<{ names: readonly string[]; value?: string; why: string }> {
  const mysql = family === 'mysql';
  return [
    { names: ['server-id'], why: 'each node has its own server id' },
    { names: ['log-bin'], why: 'binary logs are where replication, PITR and the backups read from' },
    { names: ['relay-log'], why: 'relay logs named independently of the host name' },
    { names: ['report-host'], why: 'the topology names its nodes' },
    { names: ['gtid-domain-id'], why: 'one GTID domain per primary' },
    { names: ['read-only'], value: role.readOnly ? 'ON' : 'OFF', why: 'replicas are read-only, primaries are not' },
    { names: ['super-read-only'], value: 'OFF', why: 'firedrill writes its ledger and repairs replicas as an admin' },
    {
      names: ['skip-slave-start', 'skip-replica-start'],
      value: role.skipReplicaStart ? 'ON' : 'OFF',
      why: 'replication starts when the drill says so',
    },
    {
      names: ['log-slave-updates', 'log-replica-updates'],
      value: 'ON',
      why: 'replicas must be able to become sources and be backed up with their binlogs',
    },
    { names: ['binlog-format'], value: 'ROW', why: 'the checks and PITR read row events' },
    ...(mysql
      ? [
          { names: ['gtid-mode'], value: 'ON', why: 'replication and backups are positioned by GTID' },
          { names: ['enforce-gtid-consistency'], value: 'ON', why: 'required by gtid_mode=ON' },
          { names: ['secure-file-priv'], value: '/var/lib/mysql-files', why: 'the clone backup writes there' },
        ]
      : []),
    { names: ['bind-address'], value: '0.0.0.0', why: 'nodes are reached on their network address' },
    { names: ['port'], value: '3306', why: 'nodes listen on the standard port inside their network' },
    { names: ['skip-networking'], value: 'OFF', why: 'nodes are reached over the network' },
    { names: ['datadir'], value: '/var/lib/mysql', why: "the datadir is the node's volume" },
    { names: ['socket'], value: mysql ? '/var/run/mysqld/mysqld.sock' : '/run/mysqld/mysqld.sock', why: 'the in-container client uses it' },
    { names: ['user'], value: 'mysql', why: 'the datadir belongs to the mysql user' },
    ...(role.galera
      ? [
          {
            names: [
              'wsrep-on',
              'wsrep-provider',
              'wsrep-cluster-address',
              'wsrep-node-address',
              'wsrep-node-name',
              'wsrep-sst-method',
              'wsrep-cluster-name',
              'wsrep-provider-options',
              'innodb-autoinc-lock-mode',
            ],
            why: 'the Galera topology sets these per member',
          },
        ]
      : []),
  ];
}

const BOOL: Record<string, string> = { '1': 'on', on: 'on', true: 'on', yes: 'on', '0': 'off', off: 'off', false: 'off', no: 'off' };
/** Values equal as the server reads them (booleans in any spelling, case). */
const sameValue = (a: string, b: string) => (BOOL[a.toLowerCase()] ?? a.toLowerCase()) === (BOOL[b.toLowerCase()] ?? b.toLowerCase());

export interface Override {
  option: string;
  yours: string;
  ours: string;
  why: string;
}

/**
 * The command-line flags that pin the topology's options the user's file also sets, and the overrides to report.
 * `commandLine` is the node's command line without these flags (to tell what the adapter already set).
 */
export function overridesFor(
  cfg: ServerConfig | undefined,
  family: Family,
  role: NodeRole,
  commandLine: readonly string[],
): { flags: string[]; overrides: Override[] } {
  if (!cfg) return { flags: [], overrides: [] };
  const onCommandLine = new Map<string, string>();
  for (const a of commandLine) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) {
      const c = canonicalOption(m[1]!, m[2]);
      onCommandLine.set(c.name, c.value);
    }
  }
  const flags: string[] = [];
  const overrides: Override[] = [];
  for (const pin of pinnedOptions(family, role)) {
    const mine = cfg.options.filter((o) => pin.names.includes(o.name));
    if (!mine.length) continue;
    const yours = mine.at(-1)!;
    const given = onCommandLine.get(yours.name) ?? pin.names.map((n) => onCommandLine.get(n)).find((v) => v !== undefined);
    const ours = given ?? pin.value;
    if (ours === undefined) {
      overrides.push({ option: yours.name, yours: yours.value, ours: '(not set for this node)', why: pin.why });
      continue;
    }
    if (given === undefined) flags.push(`--${yours.name}=${ours}`);
    if (sameValue(yours.value, ours)) continue;
    overrides.push({ option: yours.name, yours: yours.value, ours, why: pin.why });
  }
  return { flags, overrides };
}

/** The server's first complaint about a configuration (its [ERROR] line), for the exit-2 message. */
export function refusalOf(output: string): string | undefined {
  const lines = output.split('\n').filter((l) => /\[ERROR\]/.test(l) && !/Aborting/.test(l));
  const l = lines[0];
  if (!l) return undefined;
  return l.replace(/^.*\[ERROR\]\s*(\[[^\]]*\]\s*)*(\w+:\s*)?/, '').trim();
}

/**
 * The same file with the server-group lines of these options commented out, each saying why (e.g. the options a
 * newer version refuses, so that its nodes start on the rest of the user's file while the refusal stays a finding).
 * Names compare the server's way (canonicalOption: dashes and underscores alike, prefixes folded).
 */
export function withoutOptions(
  cfg: ServerConfig,
  names: Iterable<string>,
  why: string,
): { cfg: ServerConfig; removed: Array<{ option: string; line: number }> } {
  // The server names a refused option as written (`skip_x`, `loose-y`); the file's options are canonical already.
  const drop = new Set([...names].map((n) => canonicalOption(n, undefined).name));
  const gone = cfg.options.filter((o) => drop.has(o.name));
  if (!gone.length) return { cfg, removed: [] };
  const lines = new Set(gone.map((o) => o.line));
  const text = cfg.text
    .split('\n')
    .map((l, i) => (lines.has(i + 1) ? `# ${l.replace(/\r$/, '')}  # firedrill: ${why}` : l))
    .join('\n');
  const removed = gone.map((o) => ({ option: o.name, line: o.line }));
  return {
    cfg: {
      path: cfg.path,
      text,
      options: cfg.options.filter((o) => !lines.has(o.line)),
      leftOut: [...(cfg.leftOut ?? []), ...removed.map((r) => ({ ...r, why }))],
    },
    removed,
  };
}

/**
 * Options whose value is a secret (wsrep_sst_auth's user:password, file_key_management_filekey, any *password*): a
 * report names them, never their values.
 */
export const isSecretOption = (name: string): boolean => /pass(word|wd|phrase)?|auth|secret|filekey|credential/i.test(name);

/** Where the file goes in a node: after firedrill's own defaults, so its options win over those. */
export const USER_CONFIG_NAME = 'zz-firedrill-user.cnf';
