/**
 * The input of a query replay (pre-upgrade): the statements to replay (the team's slow log, general log or file of
 * statements; the drill's own workload; or a sample of the dataset) and the session statements the application runs
 * when it connects. Bad input is a UsageError naming the option (exit 2).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { UsageError } from '../core/index.js';
import { projectRoot } from '../runtime/paths.js';
import { datasetSql, workloadSql } from '../sql/index.js';
import { parseQueries, splitStatements, type LoggedQuery } from './query-log.js';

/** The replay's session statements (`;`-separated): SET statements only (anything else would change data or state). */
export function sessionStatements(text: string): string[] {
  const list = splitStatements(text)
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.find((s) => !/^SET\s/i.test(s));
  if (bad) throw new UsageError(`--session: only SET statements set up a session (got: ${bad.slice(0, 60)})`);
  return list;
}

/** `--queries`: sample, workload, or a file that exists and holds at least one statement. */
export function checkQueriesOption(q: string): void {
  if (q === 'sample' || q === 'workload') return;
  if (!existsSync(q)) throw new UsageError(`--queries ${q}: no such file`);
  if (!parseQueries(readFileSync(q, 'utf8'), q).length) throw new UsageError(`--queries ${q}: no statement found`);
}

/** `--concurrent`: the queries must be a general log (the sessions' thread ids say which statement ran where). */
export function checkConcurrentQueries(q: string): void {
  const list = q === 'sample' || q === 'workload' ? [] : parseQueries(readFileSync(q, 'utf8'), q);
  if (!list.some((x) => x.session !== undefined))
    throw new UsageError(`--concurrent needs --queries to be a general query log (its sessions' thread ids), not ${q}`);
}

/** What the drill knows when it picks the queries: its workload's schemas and its dataset. */
export interface ReplaySources {
  workloadDb: string;
  targetsDb: string;
  dataset: { kind: string; name: string; tableNames: readonly string[] };
}

/** The queries to replay: the user's file (slow log, general log or statements), the drill's workload, or a sample. */
export function queriesToReplay(given: string, s: ReplaySources): LoggedQuery[] {
  if (given === 'workload') return parseQueries(workloadSql.replayableWorkload(s.workloadDb, s.targetsDb), "the drill's workload");
  // No queries of the team's and a dataset of its own: count every table of it (the sample queries are Sakila's).
  if (given === 'sample' && s.dataset.kind !== 'sakila')
    return parseQueries(datasetSql.sampleQueries(s.dataset.tableNames), `${s.dataset.name} (a count per table)`);
  const file = given === 'sample' ? join(projectRoot, 'fixtures', 'pre-upgrade', 'sakila-queries.sql') : resolvePath(given);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--queries ${file}: ${(e as Error).message}`);
  }
  return parseQueries(text, file.replace(/^.*\//, ''));
}
