// Judgements of a MySQL Group Replication drill: a secondary must refuse writes, and a member that returns must be
// ONLINE again in the group under the elected primary.
import { check, type CheckResult } from './check.js';

/** What a secondary answered to a write: refused (with the server's error) or accepted. */
export interface WriteAnswer {
  refused: boolean;
  errno: number;
  message: string;
}

/** ER_OPTION_PREVENTS_STATEMENT: what a server running with super_read_only answers to a write. */
const PREVENTED_BY_OPTION = 1290;

/**
 * A secondary refuses writes because the group set super_read_only on it. A write it took, or a refusal for another
 * reason (a lost connection, a missing table), does not prove that: the check fails with the answer.
 */
export function secondaryRefusedWrite(node: string, db: string, answer: WriteAnswer): CheckResult {
  const ok = answer.refused && answer.errno === PREVENTED_BY_OPTION && /super.read.only/i.test(answer.message);
  return check(
    `${node}-refuses-writes`,
    ok ? [] : [{ database: db, object: node, kind: 'write-not-refused-by-super-read-only', actual: answer }],
    {
      answer,
    },
  );
}

/** A member as one member sees it. */
interface SeenMember {
  host: string;
  state: string;
  role: string;
}

/**
 * The member that returned is ONLINE in the full group whose primary is the elected one, as the elected primary sees
 * it (`seen`: that view, or the wait's error naming the membership last seen).
 */
export function rejoinedTheGroup(
  node: string,
  elected: string,
  size: number,
  seen: { members: readonly SeenMember[] } | { error: string },
  details: Record<string, unknown> = {},
): CheckResult {
  const name = `${node}-rejoined-the-group`;
  if ('error' in seen) return check(name, [{ database: '*', object: node, kind: 'not-online-in-the-group', actual: seen.error }], details);
  const ms = seen.members;
  const me = ms.find((m) => m.host === node);
  const primary = ms.filter((m) => m.role === 'PRIMARY').map((m) => m.host);
  const ok = ms.length === size && ms.every((m) => m.state === 'ONLINE') && primary.length === 1 && primary[0] === elected;
  return check(
    name,
    ok
      ? []
      : [
          {
            database: '*',
            object: node,
            kind: 'not-online-in-the-group',
            expected: `ONLINE under ${elected}`,
            actual: me ? `${me.state} ${me.role}` : 'not a member',
          },
        ],
    { group: ms, ...details },
  );
}
