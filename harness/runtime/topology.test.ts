import { describe, expect, it } from 'vitest';
import type { TopologyContext } from './context.js';
import type { StartedNode } from './node.js';
import { Topology } from './topology.js';

const node = (name: string) => ({ name, spec: { name, server: { serverId: 1 } } }) as unknown as StartedNode;

describe('the node holding the writes, after a failover', () => {
  it("Galera: the clients' write node moves to the chosen member; the former one stays a member", () => {
    const members = ['galera-1', 'galera-2', 'galera-3'];
    const t = new Topology({} as TopologyContext, { kind: 'galera', members, writeNode: 'galera-1', sst: 'rsync' });
    for (const m of members) t.add(node(m));
    expect(t.primary.name).toBe('galera-1');
    t.promote('galera-2', 'replica');
    expect(t.primary.name).toBe('galera-2');
    expect(t.members.map((n) => n.name)).toEqual(members);
    expect(t.isFenced('galera-1')).toBe(false);
    expect(() => t.promote('replica-1', 'replica')).toThrow(/not a member/);
  });

  it('primary-replicas: the failed primary is fenced, out of the replicas', () => {
    const t = new Topology({} as TopologyContext, { kind: 'primary-replicas', replicas: [{ name: 'replica-1' }, { name: 'replica-2' }] });
    for (const m of ['primary', 'replica-1', 'replica-2']) t.add(node(m));
    t.promote('replica-1', 'fenced');
    expect(t.primary.name).toBe('replica-1');
    expect(t.replicas.map((n) => n.name)).toEqual(['replica-2']);
    expect(t.isFenced('primary')).toBe(true);
  });
});
