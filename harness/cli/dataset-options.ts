import { UsageError } from '../core/index.js';
import type { DatasetSource } from '../workload/index.js';
import { dsnArg } from './connect.js';
import { databasesOf } from '../runtime/index.js';
import { listOption, wholeNumber } from './options.js';

/**
 * The options every drill-running command shares (run, suite, and others that load data): where the data comes
 * from and the user's server configuration.
 */
export const DATASET_OPTIONS = {
  dataset: { type: 'string' },
  rows: { type: 'string' },
  databases: { type: 'string' },
  seed: { type: 'string' },
  'server-config': { type: 'string' },
} as const;

export const DATASET_HELP = `  --dataset D         the data every drill runs on (default sakila, the bundled sample):
                        a dump file or a folder of them (mysqldump / mariadb-dump output; plain, .gz or .zst),
                        mysql://user:\${PW}@host:port[/db] (a consistent, read-only copy of a live server; password
                        from the environment; ssl-mode and ssl-ca as the DSN gives them), a schema file with
                        --rows N (rows generated from the schema alone), none
  --rows N            with a schema file: rows generated per table (types, lengths, NULL, unique and foreign keys)
  --databases a,b     with a live server: the databases to copy (default: the DSN's path, else every non-system one)
  --seed N            with --rows: the generator's seed (default 1)
  --server-config F   your my.cnf, applied to every node; the options a topology needs win and are reported`;

export interface DatasetFlags {
  dataset?: string;
  rows?: string;
  databases?: string;
  seed?: string;
  'server-config'?: string;
}

/** The dataset source the flags name (undefined: the default, or the suite's own). */
export function datasetFrom(f: DatasetFlags): DatasetSource | undefined {
  const rows = wholeNumber('rows', f.rows);
  const seed = wholeNumber('seed', f.seed);
  if (f.dataset?.startsWith('mysql://')) {
    if (rows !== undefined) throw new UsageError('--rows goes with a schema file, not a live server');
    const d = dsnArg(f.dataset);
    const { database: _, ...server } = d;
    return { kind: 'live', server, databases: databasesOf(f.databases, d) };
  }
  const databases = listOption(f.databases);
  if (!f.dataset) {
    if (rows !== undefined || databases) throw new UsageError('--rows and --databases go with --dataset');
    return undefined;
  }
  if (databases) throw new UsageError('--databases goes with a live --dataset mysql://… only');
  if (rows !== undefined) {
    if (f.dataset === 'sakila' || f.dataset === 'none')
      throw new UsageError('--rows goes with a schema file: --dataset schema.sql --rows N');
    return { kind: 'schema', path: f.dataset, rows, seed };
  }
  if (f.dataset === 'sakila') return { kind: 'sakila' };
  if (f.dataset === 'none') return { kind: 'none' };
  return { kind: 'dump', path: f.dataset };
}
