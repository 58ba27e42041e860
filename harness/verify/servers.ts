import { compareAccounts } from './accounts.js';
import type { CheckResult, Queryable } from './check.js';
import { compareObjects } from './compare-snapshot.js';
import type { ComparisonContext } from './equivalence.js';
import { compareData, databasesToCompare, type DataDiffOptions } from './data-diff.js';
import { schemaObjects } from './snapshot.js';

/**
 * Full comparison of two live servers: schema objects (with the settings that change their behaviour), data
 * (CHECKSUM TABLE as a fast path, rows decide; sequences, system-versioned history), and accounts, roles and grants.
 * Throws UnknownDatabaseError when a database asked for exists on neither side. `peers`: the two are nodes of one
 * cluster (Galera), where rules that hold only between peers apply too. `accounts: false`: the caller compares the
 * accounts itself (a fan-in holds the union of its sources' accounts).
 */
export async function compareServers(
  src: Queryable,
  dst: Queryable,
  opts: DataDiffOptions & ComparisonContext & { accounts?: boolean } = {},
): Promise<CheckResult[]> {
  const dbs = await databasesToCompare(src, dst, opts.databases);
  const [a, b] = await Promise.all([schemaObjects(src, dbs.src), schemaObjects(dst, dbs.dst)]);
  return [
    compareObjects(a, b, undefined, { peers: !!opts.peers }),
    await compareData(src, dst, opts),
    ...(opts.accounts === false ? [] : [await compareAccounts(src, dst, opts.excludeAccounts, undefined, { peers: !!opts.peers })]),
  ];
}
