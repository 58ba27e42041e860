import type { CheckResult, Queryable } from './check.js';
import { compareObjects } from './compare-snapshot.js';
import { compareData, type DataDiffOptions } from './data-diff.js';
import { databasesInScope } from './scope.js';
import { schemaObjects } from './snapshot.js';

/** Full comparison of two live servers: schema objects and data (CHECKSUM TABLE + chunked row fingerprints). */
export async function compareServers(src: Queryable, dst: Queryable, opts: DataDiffOptions = {}): Promise<CheckResult[]> {
  const dbs = [...new Set([...(await databasesInScope(src, opts.databases)), ...(await databasesInScope(dst, opts.databases))])];
  const [a, b] = await Promise.all([schemaObjects(src, await databasesInScope(src, dbs)), schemaObjects(dst, await databasesInScope(dst, dbs))]);
  return [compareObjects(a, b), await compareData(src, dst, opts)];
}
