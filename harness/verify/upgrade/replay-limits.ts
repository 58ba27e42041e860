/**
 * The query replay judged with what the drill's method cannot carry (F32): a statement that reads a table whose rows
 * the new side cannot hold (a MEMORY table on a physical copy, or on a server the upgrade restarted) returns another
 * result there by construction, not because the new version reads the data otherwise. Its changed result is said as
 * a note naming the table and why, never a blocking finding; any other changed result stays blocking.
 */
import { namesTable } from '../../workload/query-log.js';
import type { Finding } from './findings.js';

/** A table (`db.table`) whose rows a side of the replay does not hold, and why. */
export interface RowsNotCarried {
  table: string;
  reason: string;
}

/** The result finding as it stands, or as a note when the statement reads a table whose rows are not carried. */
export function judgeResultChange(f: Finding, sql: string, db: string | undefined, notCarried: readonly RowsNotCarried[]): Finding {
  const read = notCarried.filter((l) => {
    const i = l.table.indexOf('.');
    return namesTable(sql, l.table.slice(0, i), l.table.slice(i + 1), db);
  });
  if (!read.length) return f;
  const why = [...new Set(read.map((l) => l.reason))].join('; ');
  return {
    ...f,
    severity: 'info',
    kind: 'result-rows-not-carried',
    message: `not judged: reads ${read.map((l) => l.table).join(', ')}, whose rows the method does not carry (${why}); ${f.message}`,
    evidence: { ...f.evidence, rowsNotCarried: read.map((l) => l.table) },
  };
}
