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
}

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
