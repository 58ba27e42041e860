/**
 * Each fault kind's attributes besides `kind` and `target`, with what a value must be: a drill file runs through tsx
 * (its types are not checked), so a misspelt signal or attribute is refused when the scenario is defined, before
 * anything starts, instead of failing mid-drill. A new attribute in a kind's type without an entry here fails tsc.
 */
import type { FaultKind, FaultOfKind } from './types.js';

/** A value's problem, or undefined when it is fine (undefined values are checked too: required ones refuse them). */
type Rule = (v: unknown) => string | undefined;
type Rules = { readonly [K in FaultKind]: { readonly [A in Exclude<keyof FaultOfKind<K>, 'kind' | 'target'>]-?: Rule } };

const optional =
  (r: Rule): Rule =>
  (v) =>
    v === undefined ? undefined : r(v);
const oneOf =
  (values: readonly string[]): Rule =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `${JSON.stringify(v)} is not one of ${values.join(', ')}`;
const bool: Rule = (v) => (typeof v === 'boolean' ? undefined : `${JSON.stringify(v)} is not true or false`);
const name: Rule = (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : `${JSON.stringify(v)} is not a name`);
const int: Rule = (v) => (typeof v === 'number' && Number.isInteger(v) ? undefined : `${JSON.stringify(v)} is not a whole number`);

/** The signals a kill may send (the server's own handling of each is what a drill exercises). */
const KILL_SIGNALS = ['KILL', 'TERM', 'ABRT', 'SEGV'] as const;

const RULES: Rules = {
  kill: { signal: optional(oneOf(KILL_SIGNALS)), restart: optional(bool), during: optional(oneOf(['backup'])) },
  'wipe-datadir': { restart: optional(bool) },
  destroy: {},
  pause: {},
  partition: {},
  'crash-trigger': { db: name, table: name, key: name, id: int },
};

/** The first problem with a fault's attributes (an unknown one, a bad value, a missing required one), or undefined. */
export function attributeProblem(kind: FaultKind, fault: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof fault.target !== 'string' || fault.target.trim() === '')
    return `target ${JSON.stringify(fault.target)} is not a node or a role`;
  const rules = RULES[kind] as Readonly<Record<string, Rule>>;
  for (const a of Object.keys(fault))
    if (a !== 'kind' && a !== 'target' && !Object.hasOwn(rules, a))
      return `unknown attribute '${a}' (a ${kind} fault takes ${['target', ...Object.keys(rules)].join(', ')})`;
  for (const [a, rule] of Object.entries(rules)) {
    const p = rule(fault[a]);
    if (p) return `${a} ${p}`;
  }
  return undefined;
}
