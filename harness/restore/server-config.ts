import { readFile } from 'node:fs/promises';
import { UsageError } from '../core/index.js';

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

const SERVER_SECTIONS =
  /^(mysqld|server|mariadb|mariadbd|galera|mysqld-[\d.]+|mariadb-[\d.]+|mariadbd-[\d.]+|mariabackup|mariadb-backup|xtrabackup)$/i;
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

const norm = (k: string) =>
  k
    .trim()
    .toLowerCase()
    .replace(/_/g, '-')
    .replace(/^(loose-|maximum-)/, '');

/** Parses and filters a my.cnf; an unreadable file or an !include is bad input (exit 2). */
export function filterServerConfig(source: string, path = 'my.cnf'): ServerConfig {
  const out: string[] = [];
  const kept: string[] = [];
  const overridden: ServerConfig['overridden'] = [];
  let section = '';
  let keep = false;
  for (const [i, raw] of source.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('!'))
      throw new UsageError(
        `${path}:${i + 1}: ${line.split(/\s+/)[0]} is not supported in --server-config (give one file with every option)`,
      );
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim();
      keep = SERVER_SECTIONS.test(section);
      if (keep) out.push(`[${section}]`);
      continue;
    }
    if (!section) throw new UsageError(`${path}:${i + 1}: option outside any [section]: ${line.slice(0, 60)}`);
    if (!keep) continue;
    const key = norm(line.split('=')[0]!);
    const why = OWN[key];
    if (why) {
      overridden.push({ option: key, why });
      continue;
    }
    out.push(line);
    kept.push(key);
  }
  return { text: out.join('\n') + '\n', kept, overridden };
}

export async function readServerConfig(path: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--server-config ${path}: ${(e as Error).message}`);
  }
  return filterServerConfig(text, path);
}
