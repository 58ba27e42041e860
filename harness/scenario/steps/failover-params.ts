import type { ParamSpec } from '../types.js';

/** The failover drill's parameters. */
export const failoverParams = (): Record<string, ParamSpec> => ({
  bulkMb: { default: 0, min: 0, description: 'size of the generated bulk table (MB), on top of the dataset' },
  durability: {
    type: 'string',
    default: 'async',
    pattern: /^(async|semisync|semisync-after-commit)$/,
    description: 'async, semisync (AFTER_SYNC, with its timeout fallback), or semisync-after-commit (AFTER_COMMIT, the same fallback)',
  },
  commitFlush: {
    type: 'string',
    default: 'server',
    pattern: /^(server|strict|relaxed|none)$/,
    description:
      'commit flush on every node: server (as configured), strict (sync_binlog=1, innodb_flush_log_at_trx_commit=1), relaxed (0, 2) or none (0, 0)',
  },
  semiSyncTimeoutMs: {
    default: 2000,
    min: 0,
    description: 'semi-sync: how long the primary waits for a replica before falling back to async',
  },
  candidate: {
    type: 'string',
    default: 'auto',
    pattern: /^[\w-]+$/,
    description: 'the replica to prefer when it is as advanced as the best (auto: none)',
  },
  maxLagS: { default: 10, min: 0, description: 'a replica further behind than this before the fault is never promoted' },
  fault: {
    type: 'string',
    default: 'kill',
    pattern: /^(kill|freeze|partition|split-brain)$/,
    description:
      'what happens to the primary: kill (SIGKILL, left down), freeze (docker pause, thawed when it returns), partition (cut off the network, reconnected when it returns) or split-brain (cut off its replicas while half the clients keep writing to it; healed when it returns)',
  },
  replicaNetTimeoutS: {
    default: 4,
    min: 2,
    description:
      'freeze, partition and split-brain: the replicas give a silent primary up after this (slave_net_timeout / replica_net_timeout, heartbeat at half)',
  },
  detectMs: {
    default: 1000,
    min: 0,
    description: 'how long the primary must be unreachable (and no replica connected) before it is declared dead',
  },
  stallWrites: {
    default: 0,
    min: 0,
    description: 'writes the primary acknowledges while no replica receives (IO threads stopped), just before it dies',
  },
  failover: {
    type: 'string',
    default: '',
    description: "the team's failover command (argv split on blanks, no shell), run instead of firedrill's promotion",
  },
  failoverTimeoutS: { default: 120, min: 1, description: "how long the team's command, and a node becoming writable after it, may take" },
  oldPrimary: {
    type: 'string',
    default: 'fence',
    pattern: /^(fence|rejoin|rebuild)$/,
    description:
      "the returning old primary: fenced; rejoined as a replica when it has no divergent history; or rebuilt from a backup of the new primary's data (taken on a replica of it) and rejoined",
  },
});

/** The Galera write-node failover's parameters. */
export const galeraFailoverParams = (): Record<string, ParamSpec> => ({
  bulkMb: failoverParams()['bulkMb']!,
  candidate: {
    type: 'string',
    default: 'auto',
    pattern: /^[\w-]+$/,
    description:
      'the surviving member to make the write node when it is Synced in the Primary component (auto: the one that committed the most)',
  },
  detectMs: { default: 1000, min: 0, description: 'how long the write node must be unreachable before it is declared dead' },
});

/** The Group Replication failover's parameters (the group elects the new primary: no candidate to prefer). */
export const groupFailoverParams = (): Record<string, ParamSpec> => ({
  bulkMb: failoverParams()['bulkMb']!,
  fault: {
    type: 'string',
    default: 'kill',
    pattern: /^(kill|freeze|partition)$/,
    description:
      'what happens to the primary: kill (SIGKILL, started again when it returns), freeze (docker pause, thawed when it returns) or partition (cut off the network, reconnected when it returns)',
  },
  detectMs: { default: 1000, min: 0, description: 'how long the primary must be unreachable before it is declared dead' },
});

/** Galera crashes in quick succession: the data, the detector and the crashes' schedule. */
export const galeraCrashesParams = (): Record<string, ParamSpec> => ({
  bulkMb: galeraFailoverParams()['bulkMb']!,
  detectMs: galeraFailoverParams()['detectMs']!,
  seed: { default: 1, min: 0, description: 'draws the interval between the two crashes' },
  maxIntervalMs: { default: 2000, min: 0, description: 'the interval between the crashes is drawn in [0, maxIntervalMs)' },
});
