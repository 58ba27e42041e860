import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildReport, defaultHistoryFile, firedrillCommit, firedrillVersion, writeHistory } from '../report/index.js';
import { reportsDir } from '../runtime/paths.js';
import { UsageError } from '../core/index.js';
import { parseOptions, printHelp } from './options.js';

export const HELP_REPORT = `usage: firedrill report [--out FILE] [--redact] [--strict] [--history FILE]... [--save-history FILE] [PATH...]

Builds one self-contained HTML file (no script, no network: styles and SVG charts inline; prints to PDF) from drill
results: per drill and flavor the verdict, RTO and RPO against their objectives, the phase timeline, write
throughput and latency with the fault windows and phases shaded, every check with what it compared, the provenance;
and the RTO/RPO trend of every drill x flavor from the history.

  PATH              a run folder (reports/<run-id>) or a folder holding run folders, searched 3 levels deep
                    (e.g. the shards' downloaded artifacts); default: ${reportsDir}
  --history FILE    a history file (JSON Lines, appended by every run); repeat to merge shards' files by run id;
                    default: ${defaultHistoryFile()} (FIREDRILL_HISTORY) when it exists
  --save-history F  also write the merged history to F (what a nightly job keeps for the next night)
  --out FILE        where to write the page (default: ${reportsDir}/report.html)
  --redact          replace the user's database and table names, row keys and values by digests (HMAC-SHA256
                    under FIREDRILL_REDACT_KEY when set, so reports stay comparable; else a random key)
  --strict          exit 1 when a reported drill did not pass (the page is written first): a CI merge job's verdict
Exit: 0 written, 1 (--strict) a drill failed, 2 bad input (nothing to report).`;

export async function cmdReport(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    out: { type: 'string' },
    redact: { type: 'boolean' },
    history: { type: 'string', multiple: true },
    'save-history': { type: 'string' },
    strict: { type: 'boolean' },
  });
  if (values.help) return printHelp(HELP_REPORT);
  const paths = positionals.length ? positionals : [reportsDir];
  const givenHistory = values.history ?? [];
  for (const h of givenHistory) if (!existsSync(h)) throw new UsageError(`history file ${h} does not exist`);
  const historyFiles = givenHistory.length ? givenHistory : existsSync(defaultHistoryFile()) ? [defaultHistoryFile()] : [];
  const out = resolve(values.out ?? resolve(reportsDir, 'report.html'));
  const { commit, dirty } = await firedrillCommit();
  const generator = `firedrill ${firedrillVersion()}${commit ? ` (${commit.slice(0, 12)}${dirty ? ', modified' : ''})` : ''}`;
  const r = buildReport({ paths, historyFiles, redact: !!values.redact, out, generator });
  if (r.runs.length === 0 && r.history.length === 0) {
    throw new UsageError(
      `nothing to report: no drill result under ${paths.join(', ')} and no history${r.notes.length ? ` (${r.notes[0]})` : ''}`,
    );
  }
  if (values['save-history']) writeHistory(values['save-history'], r.history);
  for (const n of r.notes) process.stderr.write(`firedrill report: ${n}\n`);
  const failed = r.runs.filter((x) => x.result.verdict !== 'pass').length;
  process.stdout.write(
    `${out}: ${r.runs.length} drill(s) (${failed} failed), ${r.history.length} history entr${r.history.length === 1 ? 'y' : 'ies'}, ${(r.bytes / 1024).toFixed(0)} KiB${values.redact ? ', redacted' : ''}\n`,
  );
  return values.strict && failed ? 1 : 0;
}
