/** What a rolling upgrade of a Galera cluster is judged by: each member's version, and an upgrade that stays local. */
import { check, type CheckResult, type Difference } from './check.js';

/** A cluster member's server version as it answered (`SELECT VERSION()`), or the error that kept it from answering. */
export interface MemberVersion {
  node: string;
  version?: string;
  error?: string;
}

/** Whether a server version string ('10.11.18-MariaDB-0+deb12u1') belongs to a version series ('10.11'). */
export const inSeries = (version: string, series: string): boolean => version.startsWith(`${series}.`);

/**
 * Each member runs the version series it should at this point of a rolling upgrade: `expected` maps every member to
 * its series (the target's for the members upgraded so far, the old one's for the rest). A member on another series,
 * or one that did not answer, is a difference; so is a member seen that `expected` does not name.
 */
export function judgeMemberVersions(name: string, seen: readonly MemberVersion[], expected: Readonly<Record<string, string>>): CheckResult {
  const diffs: Difference[] = [];
  for (const [node, series] of Object.entries(expected)) {
    const m = seen.find((s) => s.node === node);
    if (!m?.version)
      diffs.push({ database: '*', object: node, kind: 'version-not-read', expected: series, actual: m?.error ?? 'not asked' });
    else if (!inSeries(m.version, series))
      diffs.push({ database: '*', object: node, kind: 'unexpected-version', expected: series, actual: m.version });
  }
  for (const m of seen)
    if (!(m.node in expected)) diffs.push({ database: '*', object: m.node, kind: 'unexpected-member', actual: m.version ?? m.error });
  const series = [...new Set(Object.values(expected))];
  return check(name, diffs, { versions: Object.fromEntries(seen.map((m) => [m.node, m.version ?? m.error])), seriesExpected: series });
}

/**
 * A member's upgrade tool kept its statements to itself: the member replicated no writeset to the cluster while it
 * ran (`wsrep_replicated` before and after; the member takes no client writes meanwhile). A writeset would carry the
 * new version's system-table changes to the members still on the old version.
 */
export function judgeUpgradeNotReplicated(name: string, node: string, before: number, after: number, argv: readonly string[]): CheckResult {
  const replicated = after - before;
  return check(
    name,
    replicated === 0 ? [] : [{ database: '*', object: node, kind: 'upgrade-replicated-writesets', expected: 0, actual: replicated }],
    { argv, wsrepReplicatedBefore: before, wsrepReplicatedAfter: after },
  );
}
