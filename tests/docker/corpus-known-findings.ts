import type { Corpus } from '../../harness/sql/corpus/index.js';

/**
 * The corpus's known findings (docs/corpus-findings.md) as predicates over a reported difference: an open one
 * explains a difference, anything else is a new false alarm or a fixed finding back again.
 */
/** A reported difference, as checks carry them. */
export interface Diff {
  check: string;
  database?: string;
  object?: string;
  kind?: string;
  expected?: unknown;
  actual?: unknown;
}

export const diffsOf = (checks: readonly { name: string; valid: boolean; details: Record<string, unknown> }[]): Diff[] =>
  checks
    .filter((c) => !c.valid)
    .flatMap((c) => {
      const d = c.details['differences'] as Array<Omit<Diff, 'check'>> | undefined;
      return d?.length ? d.map((x) => ({ check: c.name, ...x })) : [{ check: c.name, kind: 'check-failed', actual: c.details }];
    });

const memoryTables = (c: Corpus) => new Set(c.tables.filter((t) => t.engine === 'MEMORY').map((t) => t.name));
const grantsOf = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
/** A grant with its column lists sorted: two grants that differ only in the order of their columns read the same. */
const sortedColumns = (g: string) => g.replace(/\(([^()]*)\)/g, (_, l: string) => `(${l.split(', ').sort().join(', ')})`);
const latin1Read = (s: string) => Buffer.from(s, 'latin1').toString('utf8');

/**
 * False alarms and blind spots the corpus found (docs/corpus-findings.md): how each shows in a verdict. A path's "no
 * false alarm" test holds apart from the open ones; each has its own test, which passes once (and as long as) it is fixed.
 */
export const FINDINGS: Array<{ id: string; open: boolean; title: string; shows: (d: Diff, c: Corpus) => boolean }> = [
  {
    id: 'F1',
    open: false,
    title: 'an event reads DISABLE ON SLAVE on a replica and on a server restored from its backup',
    shows: (d) => d.kind === 'event-definition-differs' && /DISABLE ON SLAVE/.test(String(d.actual)),
  },
  {
    id: 'F2',
    open: false,
    title: 'an account whose host is a name is unreadable on a server (re)started with skip-name-resolve',
    shows: (d) =>
      /web1\.example\.com/.test(String(d.object)) &&
      (/account-not-readable|authentication-differs/.test(String(d.kind)) || /not readable|no such grant/.test(JSON.stringify(d.actual))),
  },
  {
    id: 'F3',
    open: false,
    title: "a whole-server dump with accounts does not load: the fresh server already has 'mariadb.sys'@'localhost'",
    shows: (d) => d.kind === 'restore-failed' && /CREATE USER failed for 'mariadb\.sys'@'localhost'/.test(String(d.actual)),
  },
  {
    id: 'F4',
    open: false,
    title: "a replica gives a routine's DEFINER EXECUTE and ALTER ROUTINE on it (automatic_sp_privileges), the primary did not",
    shows: (d) => d.kind === 'grants-differ' && /GRANT EXECUTE, ALTER ROUTINE ON (PROCEDURE|FUNCTION)/.test(JSON.stringify(d.actual)),
  },
  {
    id: 'F5',
    open: false,
    title: 'CHECK TABLE of a MEMORY table or a SEQUENCE answers a note (the engine does not support check), read as a damaged table',
    shows: (d) => d.kind === 'check-table-error' && /doesn't support check/.test(JSON.stringify(d.actual)),
  },
  {
    id: 'F6',
    open: false,
    title: 'a MEMORY table comes back empty from a physical backup or a restart, and nothing says so before the verdict',
    shows: (d, c) => memoryTables(c).has(String(d.object)) && /chunk-differs|rows-differ|row-missing/.test(String(d.kind)),
  },
  {
    id: 'F7',
    open: false,
    title: 'a grant naming a non-ASCII database reads as mojibake (UTF-8 read as latin1) on the restored server',
    shows: (d) => {
      const [e, a] = [grantsOf(d.expected), grantsOf(d.actual)];
      return d.kind === 'grants-differ' && e.length === a.length && a.some((g, i) => g !== e[i] && latin1Read(g) === e[i]);
    },
  },
  {
    id: 'F8',
    open: false,
    title: 'a column-level grant lists its columns in another order on the restored server',
    shows: (d) => {
      const [e, a] = [grantsOf(d.expected), grantsOf(d.actual)];
      return (
        d.kind === 'grants-differ' &&
        e.length === a.length &&
        e.join() !== a.join() &&
        e.map(sortedColumns).join() === a.map(sortedColumns).join()
      );
    },
  },
  {
    id: 'F12',
    open: false,
    title:
      'restore-test of a clone made outside firedrill fails on every non-InnoDB table without saying first that the clone plugin copies InnoDB only',
    shows: (d, c) =>
      c.flavor.startsWith('mysql') &&
      c.tables.some((t) => t.name === d.object && t.engine !== 'InnoDB') &&
      /chunk-differs|rows-differ|row-missing/.test(String(d.kind)),
  },
  {
    id: 'F11',
    open: false,
    title: "a whole-server dump with accounts stops loading: restore-test's own loading account is denied (ERROR 1698)",
    shows: (d) => d.kind === 'restore-failed' && /ERROR 1698 .*Access denied for user 'fdrt_/.test(String(d.actual)),
  },
  {
    id: 'F13',
    open: false,
    title:
      'a logical dump (mariadb-dump, mysqldump) writes FLOAT values with 6 significant digits: a FLOAT column comes back rounded (16372.1875 as 16372.2)',
    shows: (d, c) =>
      d.check === 'state-data' &&
      c.tables.some((t) => t.name === d.object && t.kind === 'numbers') &&
      /chunk-differs|rows-differ-no-primary-key/.test(String(d.kind)) &&
      JSON.stringify((d.expected as { rows?: unknown })?.rows) === JSON.stringify((d.actual as { rows?: unknown })?.rows),
  },
  {
    id: 'F14',
    open: false,
    title:
      "a logical dump without --dump-history carries a system-versioned table's current rows only, and nothing says so before the verdict",
    shows: (d, c) =>
      d.kind === 'rows-differ-history-included' && c.tables.some((t) => t.name === d.object && t.kind === 'system-versioned'),
  },
  {
    id: 'F36',
    open: false,
    title:
      "a server running with sql_mode PAD_CHAR_TO_FULL_LENGTH pads the account names firedrill reads, so no account's grants can be read",
    shows: (d) => /account/.test(String(d.kind)) && / {2}/.test(String(d.object)),
  },
];

/** The differences no open finding explains (each one a new false alarm, or a fixed finding back again). */
export const unexplained = (diffs: readonly Diff[], c: Corpus) => diffs.filter((d) => !FINDINGS.some((f) => f.open && f.shows(d, c)));
