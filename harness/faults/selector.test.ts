import { describe, expect, it } from 'vitest';
import { resolveSelector, type SelectorTopology } from './selector.js';

describe('fault target selectors', () => {
  const node = (name: string) => ({ name });
  const galera = (n: number) => {
    const members = Array.from({ length: n }, (_, i) => node(`galera-${i + 1}`));
    return { members, replicas: [], get: (x: string) => members.find((m) => m.name === x)! } as unknown as SelectorTopology;
  };
  it('minority: the members that cannot keep a quorum alone', () => {
    expect(resolveSelector(galera(3), 'minority').map((n) => n.name)).toEqual(['galera-3']);
    expect(resolveSelector(galera(5), 'minority').map((n) => n.name)).toEqual(['galera-4', 'galera-5']);
    expect(() => resolveSelector({ members: [], replicas: [] } as unknown as SelectorTopology, 'minority')).toThrow(/Galera cluster of 3/);
  });
  it('names and roles', () => {
    const r = [node('replica-1'), node('replica-2')];
    const topo = {
      primary: node('primary'),
      replicas: r,
      members: [],
      get: (x: string) => [...r, node('primary')].find((m) => m.name === x)!,
    } as unknown as SelectorTopology;
    expect(resolveSelector(topo, 'one-replica').map((n) => n.name)).toEqual(['replica-1']);
    expect(resolveSelector(topo, 'all-replicas').map((n) => n.name)).toEqual(['replica-1', 'replica-2']);
    expect(resolveSelector(topo, 'primary, replica-2').map((n) => n.name)).toEqual(['primary', 'replica-2']);
  });
});
