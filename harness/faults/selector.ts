import type { StartedNode } from '../runtime/node.js';

/** Roles a fault can target, resolved against the topology when the fault is injected. */
export const ROLES = ['primary', 'one-replica', 'all-replicas', 'minority'] as const;
type Role = (typeof ROLES)[number];

/**
 * A fault's target: a role ('primary', 'one-replica', 'all-replicas', 'minority': the fewest Galera members that
 * cannot form a quorum alone, the last floor((n-1)/2)), or node names joined by commas.
 */
export type Selector = Role | (string & {});

/** What a selector is resolved against (a running topology). */
export interface SelectorTopology {
  readonly primary: StartedNode;
  readonly replicas: StartedNode[];
  readonly members: StartedNode[];
  get(name: string): StartedNode;
}

/** What a scenario's topology will hold, known when the scenario is defined. */
export interface TopologyShape {
  kind: 'primary-replicas' | 'multi-source' | 'galera' | 'group-replication';
  nodes: readonly string[];
  replicas: readonly string[];
}

const isRole = (t: string): t is Role => (ROLES as readonly string[]).includes(t);
const namesOf = (t: string) => t.split(',').map((n) => n.trim());

/** Why a selector cannot name nodes of a topology of this shape ('' when it can): checked when a scenario is defined. */
export function selectorProblem(t: Selector, shape: TopologyShape): string {
  if (t === 'primary') return ''; // every topology has one: the (first) primary, or the Galera node written to
  if (t === 'one-replica' || t === 'all-replicas') return shape.replicas.length ? '' : `'${t}' needs replicas (topology: ${shape.kind})`;
  if (t === 'minority')
    return shape.kind === 'galera' && shape.nodes.length >= 3 ? '' : `'minority' needs a Galera cluster of 3 or more members`;
  const unknown = namesOf(t).filter((n) => !shape.nodes.includes(n));
  return unknown.length
    ? `unknown node(s) ${unknown.map((n) => `'${n}'`).join(', ')} (roles: ${ROLES.join(', ')}; nodes: ${shape.nodes.join(', ')})`
    : '';
}

/** The nodes a selector names in a running topology. */
export function resolveSelector(topo: SelectorTopology, t: Selector): StartedNode[] {
  if (isRole(t)) {
    if (t === 'primary') return [topo.primary];
    if (t === 'all-replicas') return topo.replicas;
    if (t === 'one-replica') return topo.replicas.slice(0, 1);
    const m = topo.members;
    if (m.length < 3) throw new Error(`'minority' needs a Galera cluster of 3 or more members (have ${m.length})`);
    return m.slice(m.length - Math.floor((m.length - 1) / 2));
  }
  return namesOf(t).map((name) => topo.get(name));
}
