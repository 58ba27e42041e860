import { stateSql } from '../sql/index.js';
import { check, type CheckResult, type Queryable } from './check.js';
import { ruleFinding, ruleOfKind, type Explained } from './equivalence.js';

/**
 * The server options a state records (stateSql.serverOptions: lower_case_table_names, sql_mode,
 * explicit_defaults_for_timestamp, character set and collation, time zone tables) and the restore server's against
 * them. Another value on the restore server is the environment's effect, named with its rule
 * (fixtures/comparison-rules/server-options.json), never a difference of the backup: the check stays valid.
 */
export type ServerOptions = Record<string, string>;

/** The options as the server answers them (values as strings; sql_mode's list in the server's order). */
export async function recordServerOptions(q: Queryable): Promise<ServerOptions> {
  const [r] = await q.query<Record<string, unknown>>(stateSql.serverOptions());
  return Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, String(v)]));
}

/** lower_case_table_names decides which tables a server can hold: not an effect to name after the fact (restore-test refuses it first). */
const FOLDING = 'lower_case_table_names';

/** The recorded options against a server's: each difference explained by its rule, or reported when no rule covers it. */
export async function compareServerOptions(expected: ServerOptions | undefined, q: Queryable): Promise<CheckResult> {
  if (!expected)
    return {
      name: 'state-server-options',
      valid: true,
      status: 'not-applicable',
      reason: 'the state records no server options (recorded by an earlier firedrill)',
      details: {},
    };
  const actual = await recordServerOptions(q);
  const rules = ruleOfKind('environment-option');
  const explained: Explained[] = [];
  const unexplained = [];
  for (const [k, e] of Object.entries(expected)) {
    const a = actual[k];
    if (a === e) continue;
    const rule = rules.find((r) => r.variable === k);
    if (!rule || k === FOLDING) {
      unexplained.push({ database: '*', object: k, kind: 'server-option-differs', expected: e, actual: a ?? null });
      continue;
    }
    explained.push({
      database: '*',
      object: k,
      kind: 'server-option-differs',
      ...ruleFinding(rule),
      expected: e,
      actual: a ?? null,
    });
  }
  return check('state-server-options', unexplained, {
    optionsCompared: Object.keys(expected).length,
    ...(explained.length
      ? { explained, environment: 'the restore server runs other options than the source: named, not a difference of the backup' }
      : {}),
  });
}
