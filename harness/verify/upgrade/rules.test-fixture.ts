/** What the upgrade rules' unit tests share: an old server's empty inventory, a target server that answers, temp folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Finding } from './findings.js';
import type { Inventory, SqlTarget } from './inventory.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
/** A private temporary folder for option files, removed after the tests of the file that imports this one. */
export const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'fd-cnf-'));
  made.push(d);
  return d;
};

export const emptyInventory = (version = '10.11.18-MariaDB'): Inventory => ({
  version,
  variables: new Map([['sql_mode', 'STRICT_TRANS_TABLES']]),
  objects: [],
  identifiers: [],
  tables: [],
  columns: [],
  accounts: [],
  plugins: [],
});

/**
 * A target server that refuses the sql_mode values given and has the plugins given (`name` built in, `name=lib.so`
 * from a library of its plugin directory).
 */
export const target = (refuse: string[] = [], plugins = ['mysql_native_password', 'unix_socket']): SqlTarget => ({
  query: async <T>(s: { sql: string; values?: unknown[] }) => {
    if (/sql_mode/.test(s.sql) && refuse.includes(String(s.values?.[0])))
      throw new Error(`Variable 'sql_mode' can't be set to the value of '${String(s.values?.[0])}'`);
    if (/ALL_PLUGINS/.test(s.sql))
      return plugins.map((p) => {
        const [name, library] = p.split('=');
        return { name, status: 'ACTIVE', library: library ?? null };
      }) as T[];
    return [] as T[];
  },
});

/** The findings a person must act on (blocking and warnings). */
export const serious = (f: Finding[]) => f.filter((x) => x.severity !== 'info');
