/**
 * What a restore test checks and concludes: the backup's age (from its own time, before restoring), CHECK TABLE on
 * every table, an inventory with every definition readable, the comparison with the manifest's snapshot and the
 * recorded state, whether the position advanced beyond the last tested backup, and what a failure says (a bad backup
 * or a stopped test).
 */
import { basename } from 'node:path';
import type { StartedNode } from '../runtime/node.js';
import { inspect, stateSql } from '../sql/index.js';
import {
  check,
  checkTableState,
  compareSnapshots,
  compareWithState,
  schemaObjects,
  skippedCheck,
  takeSnapshot,
  uncheckedDetails,
  type CheckResult,
  type Difference,
  type SettingsLimit,
} from '../verify/index.js';
import { baseTables, dataTables, databasesInScope } from '../verify/scope.js';
import type { DetectedArtifact } from './external.js';
import { NotABackupError } from './external.js';
import type { CarryLimit } from './method-limits.js';
import { BadBackupError } from './outcome.js';
import type { RestoreBench } from './restore-test-bench.js';
import type { RestoreTestOutcome } from './restore-test-types.js';

const hours = (ms: number) => Math.round((ms / 3600_000) * 10) / 10;

/** backup-age: the backup is at most `maxAgeMs` old, judged from its own time. */
export function backupAgeCheck(artifact: DetectedArtifact, maxAgeMs: number, now: number): CheckResult {
  const created = artifact.createdAt ? Date.parse(artifact.createdAt) : NaN;
  const age = now - created;
  return check(
    'backup-age',
    Number.isNaN(created) || age > maxAgeMs
      ? [
          {
            database: '*',
            object: basename(artifact.path),
            kind: 'backup-too-old',
            expected: `at most ${hours(maxAgeMs)} h old`,
            actual: Number.isNaN(created) ? 'no time known' : `${hours(age)} h old (${artifact.createdAt}, from ${artifact.createdAtFrom})`,
          },
        ]
      : [],
    { createdAt: artifact.createdAt, createdAtFrom: artifact.createdAtFrom, ageMs: age, maxAgeMs },
  );
}

/** CHECK TABLE on every table (user databases and the mysql schema), then the inventory of every object. */
export async function checkRestoredServer(b: RestoreBench, n: StartedNode): Promise<void> {
  const { checks, observations } = b.outcome;
  await b.timed('check-table', async () => {
    const dbs = [...(await databasesInScope(n)), 'mysql'];
    const diffs: Difference[] = [];
    const unchecked: string[] = [];
    const tables = await dataTables(n, dbs);
    for (const [i, t] of tables.entries()) {
      if (i % 50 === 0) b.o.progress(`CHECK TABLE ${i + 1}/${tables.length}`);
      const c = await checkTableState(n, t.database, t.name);
      if (c.unchecked) unchecked.push(`${t.database}.${t.name}`);
      else if (!c.ok) diffs.push({ database: t.database, object: t.name, kind: 'check-table-error', actual: c.messages });
    }
    checks.push(check('check-table', diffs, { tablesChecked: tables.length - unchecked.length, ...uncheckedDetails(unchecked) }));
  });
  // Inventory: every object, every definition readable.
  await b.timed('inventory', async () => {
    const dbs = await databasesInScope(n);
    const objects = await schemaObjects(n, dbs);
    const counts: Record<string, number> = {};
    const unreadable: Difference[] = [];
    for (const [k, v] of Object.entries(objects)) {
      const kind = k.slice(0, k.indexOf(' '));
      counts[kind] = (counts[kind] ?? 0) + 1;
      if (v.startsWith('<definition not readable'))
        unreadable.push({
          database: k.slice(k.indexOf(' ') + 1).split('.')[0]!,
          object: k.slice(k.indexOf(' ') + 1),
          kind: 'definition-not-readable',
          actual: v,
        });
    }
    const rows: Record<string, number> = {};
    for (const t of await baseTables(n, dbs))
      rows[`${t.database}.${t.name}`] = Number((await n.query<{ n: string }>(stateSql.countRows(t.database, t.name)))[0]?.n ?? 0);
    const accounts = (await n.query<{ user: string; host: string }>(inspect.listAccounts())).filter(
      (a) => !b.adminNames.includes(String(a.user)),
    ).length;
    observations['inventory'] = { databases: dbs, objects: counts, rows, accounts };
    checks.push(check('objects-readable', unreadable, { objects: counts }));
  });
}

/**
 * A data check without the differences of tables whose rows the method cannot carry (named before the restore): the
 * table's presence and definition are judged by the objects check, its rows are not.
 */
export function withoutNotCarried(c: CheckResult, limits: readonly CarryLimit[]): CheckResult {
  const rows = new Set(limits.filter((l) => l.notCarried === 'rows').map((l) => l.table));
  const all = (c.details['differences'] as Array<{ database?: string; object?: string }> | undefined) ?? [];
  const kept = all.filter((d) => !rows.has(`${d.database}.${d.object}`));
  if (kept.length === all.length) return c;
  const notCarried = limits.filter((l) => rows.has(l.table)).map(({ table, reason }) => ({ table, what: 'rows', reason }));
  return { ...c, valid: kept.length === 0, details: { ...c.details, differences: kept, notCarried } };
}

/**
 * The restored server against what it should be: the manifest's own pre-backup snapshot, the recorded state
 * (`--expect`), and a position beyond the last tested backup's (`--max-age` with history).
 */
export async function compareRestored(
  b: RestoreBench,
  n: StartedNode,
  backupGtid: string | undefined,
  accountsNA: { reason: string } | undefined,
  /** What the backup's method cannot carry (method-limits.ts): those rows are counted, not compared. */
  rowsNotCarried: readonly CarryLimit[],
  /** Definition settings the method cannot carry (mydumper-limits.ts): not compared, named. */
  settingsNotCarried?: SettingsLimit,
): Promise<void> {
  const { o, ctx } = b;
  const { artifact, checks } = b.outcome;
  await b.timed('compare', async () => {
    if (artifact.kind === 'firedrill-artifact' && artifact.manifest && !o.binlogs) {
      // The manifest's own pre-backup snapshot: the artifact must restore to it.
      const [, sums, objs] = compareSnapshots(
        artifact.manifest.snapshot,
        await takeSnapshot(n, artifact.manifest.snapshot.databases, { against: artifact.manifest.snapshot }),
      );
      checks.push(withoutNotCarried({ ...sums!, name: 'manifest-checksums' }, rowsNotCarried), { ...objs!, name: 'manifest-objects' });
    }
    if (o.expect) {
      const algebra = ctx.adapter.gtid;
      checks.push(
        ...(await compareWithState(o.expect, n, {
          ownAccounts: b.adminNames,
          backupGtid,
          ...(accountsNA ? { accountsNotInBackup: accountsNA.reason } : {}),
          rowsNotCarried,
          ...(settingsNotCarried ? { settingsNotCarried } : {}),
          gtidEqual: (x, y) => algebra.differences(x, y).length === 0,
          progress: o.progress,
        })),
      );
    }
    const last = o.maxAgeMs !== undefined ? o.lastTested?.(artifact) : undefined;
    if (last && !backupGtid)
      checks.push(
        skippedCheck(
          'gtid-advanced',
          `neither the backup nor the restored server records a GTID position, so whether it advanced beyond the last tested backup's ${last.gtid} (run ${last.runId}) cannot be judged`,
        ),
      );
    if (last && backupGtid) {
      let advanced: boolean;
      try {
        advanced = ctx.adapter.gtid.subtract(backupGtid, last.gtid) !== '';
      } catch {
        advanced = backupGtid !== last.gtid;
      }
      checks.push(
        check(
          'gtid-advanced',
          advanced
            ? []
            : [
                {
                  database: '*',
                  object: 'gtid',
                  kind: 'gtid-not-advanced',
                  expected: `beyond ${last.gtid} (last tested backup, run ${last.runId}, ${last.testedAt})`,
                  actual: backupGtid,
                },
              ],
          { lastTested: last, backup: backupGtid },
        ),
      );
    }
  });
}

/**
 * The verdict of a failure after the test began restoring: a BadBackupError, or a restored server that died under the
 * checks (a corrupt page met by CHECK TABLE), is the backup's fault (check backup-restores fails); anything else
 * stopped the test (the outcome's stoppedBy: exit 2, never "bad backup"). Bad input is thrown on.
 */
export async function judgeFailure(outcome: RestoreTestOutcome, e: unknown, node: StartedNode | undefined, artifactArg: string) {
  if (e instanceof NotABackupError) throw e;
  let msg = e instanceof Error ? e.message : String(e);
  const died = !(e instanceof BadBackupError) && node ? await node.container.state().catch(() => undefined) : undefined;
  if (died && !died.running)
    msg = `the restored server died (exit code ${died.exitCode}): ${msg}\n${await node!.container.logsTail(15).catch(() => '')}`;
  if (e instanceof BadBackupError || (died && !died.running))
    outcome.checks.unshift(
      check('backup-restores', [{ database: '*', object: basename(artifactArg), kind: 'restore-failed', actual: msg.slice(0, 2000) }]),
    );
  else outcome.stoppedBy = e;
  outcome.error = msg;
}
