import { check, type CheckResult, type Difference } from './check.js';

/**
 * After members crashed in quick succession and one survived without quorum: making the survivor the Primary
 * component is safe only when it has committed at least what each crashed member recovered from its own datadir
 * (`--wsrep-recover`). A crashed member that is further ahead holds transactions the survivor never had: they would be
 * thrown away when it rejoins the survivor's cluster by state transfer. A member whose position could not be
 * recovered is named too (nothing proves it was behind).
 */
export function survivorMostAdvanced(
  survivor: string,
  survivorSeqno: number,
  crashed: ReadonlyArray<{ node: string; recovered?: number }>,
): CheckResult {
  const diffs: Difference[] = crashed.flatMap((c): Difference[] => {
    if (c.recovered === undefined) return [{ database: '*', object: c.node, kind: 'position-not-recovered' }];
    return c.recovered > survivorSeqno
      ? [
          {
            database: '*',
            object: c.node,
            kind: 'crashed-member-more-advanced',
            where: survivor,
            expected: survivorSeqno,
            actual: c.recovered,
          },
        ]
      : [];
  });
  return check(`${survivor}-most-advanced-after-the-crashes`, diffs, { survivor, survivorSeqno, crashed });
}
