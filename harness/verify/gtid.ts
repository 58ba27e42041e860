import { mariaDomainDifferences, parseMariaPos } from '../runtime/gtid.js';
import { check, type CheckResult } from './check.js';

/** Two GTID positions are equal domain by domain; each differing domain is named. */
export function gtidPositionsEqual(expected: string, actual: string, name = 'gtid-position'): CheckResult {
  try {
    const diffs = mariaDomainDifferences(parseMariaPos(expected), parseMariaPos(actual)).map((d) => ({
      database: '*', object: `gtid domain ${d.domain}`, kind: 'gtid-differs', expected: d.expected ?? '(none)', actual: d.actual ?? '(none)',
    }));
    return check(name, diffs, { expected, actual });
  } catch (e) {
    return { name, valid: false, details: { error: e instanceof Error ? e.message : String(e), expected, actual } };
  }
}
