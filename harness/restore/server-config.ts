import { canonicalOption, isServerGroup, optionsOf, parseSingleOptionFile } from '../core/index.js';
import { readSingleOptionFile } from '../runtime/option-file.js';

/**
 * The user's my.cnf for a restore test (a datadir that needs lower_case_table_names, another page size, encryption
 * keys): the server sections are kept; options that would point the server somewhere else in the container
 * (paths, network, identity) or undo the restore test's own safety settings are left out and reported.
 */
export interface ServerConfig {
  text: string;
  kept: string[];
  overridden: Array<{ option: string; why: string }>;
}

/** Besides the server's groups, those of the backup tools (they read the file too, for the settings of the source). */
const BACKUP_TOOL_GROUP = /^(mariabackup|mariadb-backup|xtrabackup)$/;
const OWN: Record<string, string> = {
  datadir: 'the restore test restores into its own datadir',
  socket: 'the container has its own socket',
  port: 'the container has its own port',
  'bind-address': 'the container listens on its private network',
  'pid-file': 'the container has its own pid file',
  user: 'the server runs as mysql in the container',
  basedir: 'the image has its own install',
  'plugin-dir': 'the image has its own plugins',
  tmpdir: 'the container has its own tmpdir',
  'server-id': 'the restore test gives the server its own id',
  'read-only': 'the restored server is read-only until verified',
  'skip-slave-start': 'replication never starts on a restore test',
  'skip-replica-start': 'replication never starts on a restore test',
  'event-scheduler': 'events stay off so nothing changes the restored data',
  'init-file': 'the restore test uses its own',
  'log-bin': "binary logs go to the container's datadir",
  'log-bin-index': "binary logs go to the container's datadir",
  'relay-log': 'no replication on a restore test',
  'relay-log-index': 'no replication on a restore test',
  'log-basename': "names stay the container's",
  'log-error': 'the server logs to the container',
  'general-log-file': 'the container has its own paths',
  'slow-query-log-file': 'the container has its own paths',
  'secure-file-priv': 'the image sets it',
  'innodb-data-home-dir': 'the datadir holds every InnoDB file',
  'innodb-log-group-home-dir': 'the datadir holds every InnoDB file',
  'innodb-undo-directory': 'the datadir holds every InnoDB file',
  'skip-networking': 'the test reaches the server over its private network',
  'wsrep-on': 'a restore test starts a standalone server',
  'wsrep-provider': 'a restore test starts a standalone server',
  'wsrep-cluster-address': 'a restore test starts a standalone server',
};

/** An option's key for OWN: canonical (the one normalisation, prefixes folded), `maximum-` limits under their option. */
const keyOf = (raw: string) => canonicalOption(raw, undefined).name.replace(/^maximum-/, '');

/** Parses and filters a my.cnf (the one option-file parser); an !include or a line the server refuses is bad input (exit 2). */
export function filterServerConfig(source: string, path = 'my.cnf'): ServerConfig {
  const out: string[] = [];
  const kept: string[] = [];
  const overridden: ServerConfig['overridden'] = [];
  let keep = false;
  for (const e of parseSingleOptionFile(source, path).entries) {
    if (e.kind === 'group') {
      keep = isServerGroup(e.group) || BACKUP_TOOL_GROUP.test(e.group);
      if (keep) out.push(e.text);
      continue;
    }
    if (e.kind !== 'option' || !keep) continue;
    const key = keyOf(e.raw);
    const why = OWN[key];
    if (why) {
      overridden.push({ option: key, why });
      continue;
    }
    out.push(e.text);
    kept.push(key);
  }
  return { text: out.join('\n') + '\n', kept, overridden };
}

export async function readServerConfig(path: string): Promise<ServerConfig> {
  const f = await readSingleOptionFile(path);
  return filterServerConfig(f.text, f.path);
}

/**
 * lower_case_table_names decides which tables a server can hold (it folds names, and can only be set when a datadir
 * is initialised): a restore server that would run another value than the recorded source cannot restore the same
 * tables, so that is said before anything is restored (bad input: exit 2), not found as differences at the end.
 * `config`: the filtered --server-config text (absent: firedrill's default, 0).
 */
export function foldingMismatch(recorded: string | undefined, config: string | undefined): string | undefined {
  if (recorded === undefined) return undefined;
  const set = config
    ? optionsOf(parseSingleOptionFile(config, 'server-config'))
        .filter((o) => isServerGroup(o.group))
        .map((o) => canonicalOption(o.raw, o.value))
        .filter((o) => o.name === 'lower-case-table-names')
        .at(-1)?.value
    : undefined;
  const given = set ?? '0';
  if (given === recorded) return undefined;
  return `the state was recorded on a server with lower_case_table_names=${recorded}; the restore server would run with ${given}${set === undefined ? " (firedrill's default)" : ' (--server-config)'}, which folds table names otherwise and cannot hold the same tables: pass the source's my.cnf (lower_case_table_names=${recorded}) with --server-config`;
}
