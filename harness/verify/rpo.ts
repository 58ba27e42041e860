import { check, type CheckResult } from './check.js';

/**
 * The drill's RPO verdict. Without an expected loss, nothing acknowledged may be lost. With one (a procedure that
 * loses data by design, e.g. restoring a backup without binlogs), the loss must equal the exact loss measured
 * independently (the transactions committed after the backup point): a value that was merely measured is not a pass.
 */
export function judgeRpo(lostAcknowledgedWrites: number | null, expectsLoss: boolean, expectedLoss?: number): CheckResult {
  const name = expectsLoss ? 'rpo-equals-expected-loss' : 'rpo-zero';
  if (lostAcknowledgedWrites === null) return check(name, [{ database: '*', object: 'rpo', kind: 'rpo-not-measured' }]);
  if (!expectsLoss) {
    return check(
      name,
      lostAcknowledgedWrites === 0
        ? []
        : [{ database: '*', object: 'rpo', kind: 'acknowledged-writes-lost', expected: 0, actual: lostAcknowledgedWrites }],
    );
  }
  if (expectedLoss === undefined)
    return check(name, [{ database: '*', object: 'rpo', kind: 'expected-loss-not-measured', actual: lostAcknowledgedWrites }], {
      lostAcknowledgedWrites,
    });
  return check(
    name,
    lostAcknowledgedWrites === expectedLoss
      ? []
      : [{ database: '*', object: 'rpo', kind: 'loss-differs-from-expected', expected: expectedLoss, actual: lostAcknowledgedWrites }],
    { lostAcknowledgedWrites, expectedLoss },
  );
}
