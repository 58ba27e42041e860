import type { BaseFault, Rule } from './types.js';

/** The rules fault attributes are checked with (see AttributeRules). */
export const optional =
  (r: Rule): Rule =>
  (v) =>
    v === undefined ? undefined : r(v);
export const oneOf =
  (values: readonly string[]): Rule =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `${JSON.stringify(v)} is not one of ${values.join(', ')}`;
export const bool: Rule = (v) => (typeof v === 'boolean' ? undefined : `${JSON.stringify(v)} is not true or false`);
export const name: Rule = (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : `${JSON.stringify(v)} is not a name`);
export const int: Rule = (v) => (typeof v === 'number' && Number.isInteger(v) ? undefined : `${JSON.stringify(v)} is not a whole number`);

/** The first problem with a fault's attributes (an unknown one, a bad value, a missing required one), or undefined. */
export function attributeProblem(
  kind: string,
  rules: Readonly<Record<string, Rule>>,
  fault: Readonly<Record<string, unknown>> & Partial<BaseFault>,
): string | undefined {
  if (typeof fault.target !== 'string' || fault.target.trim() === '')
    return `target ${JSON.stringify(fault.target)} is not a node or a role`;
  for (const a of Object.keys(fault))
    if (a !== 'kind' && a !== 'target' && !Object.hasOwn(rules, a))
      return `unknown attribute '${a}' (a ${kind} fault takes ${['target', ...Object.keys(rules)].join(', ')})`;
  for (const [a, rule] of Object.entries(rules)) {
    const p = rule(fault[a]);
    if (p) return `${a} ${p}`;
  }
  return undefined;
}
