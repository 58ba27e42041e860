import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { causeOfError, exitCodeOfCause, failureCause, unmeasuredRpo, writeReport } from '../report/index.js';
import { foldingMismatch, readServerConfig } from '../restore/server-config.js';
import { restoreTest, type RestoreTestOutcome } from '../restore/restore-test.js';
import { appendHistory, historyKeyOf, lastTested, readHistory, restoreTrend, type TrendPoint } from '../restore/restore-history.js';
import { chainCheck, checkPoint, NoRecoveryPointError, planPoint, type PointPlan, stateOfPlan } from './restore-point.js';
import { isS3Url } from '../backup/index.js';
import { DEFAULT_FLAVOR, FLAVORS, UsageError } from '../core/index.js';
import { engineVersion, reportsDir, resolveImage, RunContext } from '../runtime/index.js';
import type { DrillResult } from '../report/index.js';
import { checkLine, parseState, type RecordedState } from '../verify/index.js';
import { err, flavorOption, JSON_OPTION, out, parseDuration, parseOptions, printHelp, progressLine } from './options.js';

export const HELP_RESTORE_TEST = `usage: firedrill restore-test --artifact PATH --flavor F [--incremental DIR]... [--expect STATE.json]
                            [--server-config my.cnf] [--binlogs DIR --until GTID|TIME] [--max-age 26h] [--instant] [--json]
       firedrill restore-test --point random|newest --location PATH|s3://bucket/prefix/ [--seed N] --flavor F [--json]

Restore-tests one backup, made by firedrill or by your own tools, in a throwaway container (the backup is only
ever mounted read-only): a prepared or unprepared mariabackup directory, a folder holding a full mariabackup and its
incrementals (or --incremental DIR in order), an mbstream file, a MySQL clone directory or datadir copy, a
mysqldump / mariadb-dump file (plain, .gz, .zst), a firedrill artifact or package. What it is is read from its
contents; it is restored with the method that fits, CHECK TABLE runs on every table, every object is inventoried,
and with --expect the result is compared with the state \`firedrill snapshot\` recorded when the backup was taken.
  --artifact s3://bucket/name or s3://bucket/prefix/
                      a backup in object storage, streamed into a private scratch folder and checked (its .sha256
                      sidecar, the folder's SHA256SUMS, or the ETag) before the restore; --incremental and --binlogs
                      take s3:// too. Store: FIREDRILL_S3_ENDPOINT (else AWS), AWS_REGION, AWS_ACCESS_KEY_ID /
                      AWS_SECRET_ACCESS_KEY (or the SDK's profiles), FIREDRILL_S3_PATH_STYLE=1|0, FIREDRILL_S3_SSE /
                      FIREDRILL_S3_SSE_C_KEY. A store that is down, refuses the keys or throttles: exit 2; a missing
                      or damaged backup in it: exit 1 (docs/s3.md)
  --point random|newest --location L [--seed N]
                      pick a point of the location's recovery windows (firedrill chain verify), restore its backups
                      and replay its binlogs up to it, and check the server stands exactly there (recovery-point);
                      the seed is printed. A break anywhere in the chain fails the test (chain-continuous, exit 1);
                      a state (state.json, *.state.json) recorded at exactly that point is compared, as --expect
  --flavor F          ${Object.keys(FLAVORS).join(' | ')} (default ${DEFAULT_FLAVOR})
  --server-config F   the source's my.cnf (lower_case_table_names, page size, encryption keys); path options are ignored
  --binlogs DIR --until GTID|TIME
                      replay your binlog archive onto the backup up to a GTID (included) or a time (ISO 8601)
  --max-age 26h       fail a backup older than that (from its own timestamp), or one whose GTID position has not
                      advanced since the last backup tested of the same source (history in reports/)
  --history-key NAME  which backups follow one another in that history (default: the source the --expect state
                      was recorded on, else the artifact's folder)
  --instant           no copy, no restore: the server starts read-only on the backup itself (an overlay; InnoDB
                      read-only), the same checks run, and every file is hashed again afterwards (artifact-unchanged):
                      how to check every night's backup of a large database. A ready datadir on MariaDB only (a
                      prepared mariabackup folder without incrementals, a firedrill artifact, a datadir copy); the
                      full restore stays the measure of the restore time
Writes reports/<run-id>/{result.json,summary.md,junit.xml}.
Exit: 0 the backup restores and matches, 1 a bad backup (damaged, does not restore, differs from the state, stale),
2 not a backup / wrong flavor / bad input.`;

/** A GTID (MariaDB d-s-n, MySQL uuid:n) or a time (ISO 8601). */
export function parseUntil(s: string): { gtid: string } | { time: Date } {
  if (/^\d+-\d+-\d+$/.test(s) || /^[0-9a-f-]{36}(:[\w]+)?:\d+$/i.test(s)) return { gtid: s };
  const t = new Date(s);
  if (/^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(t.getTime())) return { time: t };
  throw new UsageError(`bad --until '${s}' (a GTID such as 0-1-42 or uuid:42, or a time such as 2026-11-29T03:00:00Z)`);
}

// ---------------------------------------------------------------- restore-test

export async function cmdRestoreTest(args: string[]): Promise<number> {
  const { values } = parseOptions(
    args,
    {
      artifact: { type: 'string' },
      incremental: { type: 'string', multiple: true },
      flavor: { type: 'string' },
      expect: { type: 'string' },
      'server-config': { type: 'string' },
      binlogs: { type: 'string' },
      until: { type: 'string' },
      'max-age': { type: 'string' },
      'history-key': { type: 'string' },
      instant: { type: 'boolean' },
      point: { type: 'string' },
      location: { type: 'string' },
      seed: { type: 'string' },
      ...JSON_OPTION,
    },
    false,
  );
  if (values.help) return printHelp(HELP_RESTORE_TEST);
  if (values.point) {
    if (!values.location) throw new UsageError('--point random|newest needs --location PATH|s3://bucket/prefix/ (the chain to pick from)');
    if (values.artifact || values.incremental || values.binlogs || values.until)
      throw new UsageError(
        '--point picks the backups and the binlog position itself: leave out --artifact, --incremental, --binlogs, --until',
      );
  } else if (values.location || values.seed) throw new UsageError('--location and --seed go with --point random|newest');
  else if (!values.artifact) throw new UsageError('restore-test needs --artifact PATH (a backup directory or file)');
  const f = flavorOption(values.flavor);
  if (!!values.binlogs !== !!values.until) throw new UsageError('--binlogs DIR and --until GTID|TIME go together');
  const until = values.until ? parseUntil(values.until) : undefined;
  const maxAgeMs = values['max-age'] ? parseDuration(values['max-age']) : undefined;
  let expect: RecordedState | undefined;
  if (values.expect) {
    let text: string;
    try {
      text = await readFile(values.expect, 'utf8');
    } catch (e) {
      throw new UsageError(`--expect ${values.expect}: ${(e as Error).message}`);
    }
    try {
      expect = parseState(text);
    } catch (e) {
      throw new UsageError(`--expect ${values.expect}: ${(e as Error).message}`);
    }
    if (expect.source.family !== f.family)
      throw new UsageError(
        `--expect ${values.expect} was recorded on ${expect.source.family === 'mariadb' ? 'MariaDB' : 'MySQL'} ${expect.source.version}; --flavor ${f.id} is another server family`,
      );
  }
  const serverConfig = values['server-config']
    ? { path: resolve(values['server-config']), config: await readServerConfig(values['server-config']) }
    : undefined;
  const folding = foldingMismatch(expect?.options?.['lower_case_table_names'], serverConfig?.config.text);
  if (folding) throw new UsageError(`--expect ${values.expect}: ${folding}`);
  const progress = progressLine;
  // A backup in object storage: the store as the environment describes it (bad settings: exit 2 before anything runs).
  const store = [values.artifact, values.location, ...(values.incremental ?? []), values.binlogs].some((v) => v && isS3Url(v))
    ? (await import('../backup/object-store.js')).openObjectStore() // the S3 client loads only when used
    : undefined;
  let plan: PointPlan | undefined;
  if (values.point) {
    try {
      plan = await planPoint(values.location!, values.point, values.seed, store, progress);
    } catch (e) {
      if (!(e instanceof NoRecoveryPointError)) throw e;
      err(`firedrill: ${e.message}`);
      return 1;
    }
    Object.assign(values, { artifact: plan.artifact, incremental: plan.incrementals, binlogs: plan.binlogs });
    expect ??= stateOfPlan(plan); // the state recorded at that point, when the location holds one
  }
  const artifactArg = values.artifact!;
  await engineVersion();
  await resolveImage(f, progress);
  const location = historyKeyOf(artifactArg, expect, values['history-key']);
  const history = await readHistory();

  const run = new RunContext();
  const onSignal = (sig: NodeJS.Signals) => {
    progress(`${sig}: tearing down run ${run.runId}`);
    void run.teardown().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = Date.now();
  let outcome: RestoreTestOutcome | undefined;
  let stoppedBy: unknown;
  let teardownFailures: string[] = [];
  try {
    progress(`run ${run.runId}: restore-test of ${artifactArg} on ${f.id}`);
    const at = { artifact: artifactArg, incrementals: values.incremental ?? [], binlogs: values.binlogs };
    const local = store ? await (await import('../restore/from-object-store.js')).fromStore(store, at, run, progress) : at;
    const replayTo = plan ? plan.until : until;
    if ('failed' in local) outcome = local.failed;
    else
      outcome = await restoreTest({
        artifact: local.artifact,
        incrementals: local.incrementals,
        flavor: f.id,
        expect,
        serverConfig,
        ...(local.binlogs && replayTo ? { binlogs: { dir: resolve(local.binlogs), until: replayTo } } : {}),
        ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
        lastTested: (a) => {
          const last = lastTested(history, { location, kind: a.kind, flavor: f.id });
          return last?.gtid ? { runId: last.runId, gtid: last.gtid, testedAt: last.testedAt } : undefined;
        },
        run,
        progress,
        instant: !!values.instant,
      });
    if (plan) outcome.checks.push(chainCheck(plan));
    if (plan && !('failed' in local)) checkPoint(outcome, plan, f.id);
    if ('fetch' in local && local.fetch) {
      outcome.phases.unshift(local.fetch.phase);
      outcome.observations['objectStore'] = local.fetch.observation;
    }
  } catch (e) {
    if (e instanceof UsageError) throw e; // not a backup, the wrong flavor: one line, exit 2 (after the teardown)
    stoppedBy = e; // the environment or firedrill failed before the backup could be judged: exit 2 with a report
  } finally {
    teardownFailures = await run.teardown();
    for (const t of teardownFailures) progress(`teardown: ${t}`);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const result = toResult(outcome, stoppedBy, { runId: run.runId, flavor: f.id, started, artifact: artifactArg, teardownFailures });
  // the restore time of this kind of backup from this place on the nights before: a trend a person reads as RTO evidence
  if (outcome) result.observations['restoreTrend'] = restoreTrend(history, { location, kind: outcome.artifact.kind, flavor: f.id });
  await mkdir(result.reportDir, { recursive: true });
  await writeReport(result);
  if (result.cause && result.cause.kind !== 'bad-backup') err(`firedrill: ${result.cause.kind}: ${result.cause.message}`);
  if (outcome)
    await appendHistory({
      runId: run.runId,
      location,
      kind: outcome.artifact.kind,
      artifact: isS3Url(artifactArg) ? artifactArg : resolve(artifactArg),
      flavor: f.id,
      verdict: result.verdict,
      ...(outcome.gtid ? { gtid: outcome.gtid } : {}),
      ...(outcome.artifact.createdAt ? { createdAt: outcome.artifact.createdAt } : {}),
      testedAt: new Date().toISOString(),
      ...(result.rto.ms !== null ? { restoreMs: result.rto.ms } : {}),
    });
  out(values.json ? JSON.stringify(result, null, 2) : summaryLines(result));
  return exitCodeOfCause(result.cause);
}

/**
 * The result of one restore test. Its cause: a bad backup (exit 1) when the backup was judged and did not pass; the
 * environment or firedrill (exit 2) when an error stopped the test before it could judge the backup (a docker call,
 * a deadline, a server never ready), also one thrown before any outcome existed; a teardown that left something
 * behind (exit 2) when the backup passed.
 */
export function toResult(
  outcome: RestoreTestOutcome | undefined,
  stoppedBy: unknown,
  p: { runId: string; flavor: DrillResult['flavor']; started: number; artifact: string; teardownFailures: string[] },
): DrillResult {
  const o = outcome ?? { checks: [], phases: [], observations: {}, error: String((stoppedBy as Error)?.message ?? stoppedBy) };
  const restorePhases = o.phases.filter((x) => x.recovery);
  const rtoMs = restorePhases.length ? restorePhases.reduce((s, x) => s + x.durationMs, 0) : null;
  const stop = stoppedBy ?? outcome?.stoppedBy;
  let cause =
    stop !== undefined
      ? causeOfError(stop)
      : failureCause({ error: o.error, checks: o.checks, rpo: unmeasuredRpo('restored') }, null, 'bad-backup');
  if (!cause && p.teardownFailures.length) cause = { kind: 'environment', message: `teardown failed: ${p.teardownFailures.join('; ')}` };
  return {
    runId: p.runId,
    scenario: 'restore-test',
    description: `restore-test of ${p.artifact}${outcome ? `: ${outcome.artifact.description}` : ''}`,
    flavor: p.flavor,
    verdict: !cause ? 'pass' : cause.kind === 'bad-backup' ? 'fail' : 'error',
    ...(cause ? { cause } : {}),
    startedAt: new Date(p.started).toISOString(),
    endedAt: new Date().toISOString(),
    durationMs: Date.now() - p.started,
    params: {},
    phases: o.phases,
    rto: {
      ms: rtoMs,
      method:
        'sum of the phases that bring the backup back as a server (stage, prepare, copy-back, start, upgrade, load, replay), measured',
      phases: Object.fromEntries(restorePhases.map((x) => [x.name, x.durationMs])),
    },
    rpo: {
      lostAcknowledgedWrites: null,
      seconds: null,
      node: 'restored',
      indeterminate: 0,
      method: 'not measured: a restore test of one backup has no write ledger (compare with --expect STATE instead)',
      notApplicable: true,
    },
    checks: o.checks,
    faults: [],
    observations: o.observations,
    ...(o.error ? { error: o.error } : {}),
    reportDir: join(reportsDir, p.runId),
    ...(p.teardownFailures.length ? { teardownFailures: p.teardownFailures } : {}),
  };
}

/** The earlier restore times of the same kind of backup from the same place, for the summary line. */
function trendText(t: TrendPoint[] | undefined): string {
  if (!t?.length) return '';
  return `; the ${t.length} before it of this kind from this place: ${t.map((x) => `${(x.restoreMs / 1000).toFixed(1)}`).join(', ')} s`;
}

function summaryLines(r: DrillResult): string {
  const secs = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
  return [
    `${r.verdict.toUpperCase()} ${r.description} on ${r.flavor} (run ${r.runId}, ${secs(r.durationMs)})`,
    ...(r.cause ? [`  cause: ${r.cause.kind}: ${r.cause.message}`] : []),
    ...r.phases.map(
      (x) =>
        `  ${x.recovery ? '*' : ' '} ${x.name.padEnd(16)} ${secs(x.durationMs).padStart(10)}${x.steps.some((s) => s.error) ? '  (failed)' : ''}`,
    ),
    `  restore time ${secs(r.rto.ms)} (* phases)${trendText(r.observations['restoreTrend'] as TrendPoint[] | undefined)}`,
    ...r.checks.map((c) => `  ${checkLine(c)}`),
    ...(r.error ? [`  error: ${r.error.split('\n').slice(0, 6).join('\n         ')}`] : []),
    `  report: ${r.reportDir}`,
  ].join('\n');
}
