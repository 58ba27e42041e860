import { isInfrastructureError } from '../exec/index.js';
import type { Statement } from '../sql/index.js';

/**
 * Why something could not be read, for a check that records it (a damaged table, a missing privilege). A failure of
 * the harness itself (a query past its deadline on a frozen server, the engine gone) is no finding about the data:
 * it is thrown on, and the command ends with exit 2 instead of recording a result it did not observe.
 */
export function reason(e: unknown): string {
  if (isInfrastructureError(e)) throw e;
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

/** A checker's verdict. Checkers return one; they never throw on a mismatch and never stop at the first. */
export interface CheckResult {
  name: string;
  valid: boolean;
  details: Record<string, unknown>;
  /**
   * Absent: the check ran, and `valid` says how it ended. `skipped`: it did not run (`valid` is false: a drill or a
   * restore test whose check was skipped does not pass). `not-applicable`: a declared limit of the input makes it
   * meaningless (a dump that carries no accounts), said before the run; it is no skip and `valid` stays true.
   */
  status?: 'skipped' | 'not-applicable';
  /** Why it was skipped or is not applicable (with `status`). */
  reason?: string;
}

/** How a check ended, as reports show it. */
type CheckOutcome = 'passed' | 'failed' | 'skipped' | 'not-applicable';
export const outcomeOf = (c: Pick<CheckResult, 'valid' | 'status'>): CheckOutcome => c.status ?? (c.valid ? 'passed' : 'failed');

/** A check as one line for a terminal: "ok   name", "FAIL name: details", "SKIP name: reason", "n/a  name: reason". */
export function checkLine(c: CheckResult): string {
  const o = outcomeOf(c);
  if (o === 'passed') return `ok   ${c.name}`;
  if (o === 'failed') return `FAIL ${c.name}: ${JSON.stringify(c.details).slice(0, 400)}`;
  return `${o === 'skipped' ? 'SKIP' : 'n/a '} ${c.name}: ${o === 'skipped' ? 'skipped' : 'not applicable'}: ${c.reason ?? 'no reason given'}`;
}

/** A check that did not run, and why: it never reads passed. */
export const skippedCheck = (name: string, reason: string, details: Record<string, unknown> = {}): CheckResult => ({
  name,
  valid: false,
  status: 'skipped',
  reason,
  details,
});

/** A check a declared limit of the input makes meaningless, said with its reason: not run, and not a failure. */
export const notApplicableCheck = (name: string, reason: string): CheckResult => ({
  name,
  valid: true,
  status: 'not-applicable',
  reason,
  details: {},
});

/** One difference a user could observe: where it is and what kind it is. */
export interface Difference {
  database: string;
  object: string;
  kind: string;
  where?: string;
  expected?: unknown;
  actual?: unknown;
}

/** Anything that answers SQL: a node handle, or a connection opened from a DSN. Verify only reads. */
export interface Queryable {
  name: string;
  query<T = Record<string, unknown>>(stmt: Statement): Promise<T[]>;
  /** Opens another session to the same server (to run several tables at once); the caller closes it. */
  another?(): Promise<Queryable & { close(): Promise<void> }>;
}

export function check(name: string, differences: readonly Difference[], extra: Record<string, unknown> = {}, limit = 200): CheckResult {
  return {
    name,
    valid: differences.length === 0,
    details: { differenceCount: differences.length, differences: differences.slice(0, limit), ...extra },
  };
}
