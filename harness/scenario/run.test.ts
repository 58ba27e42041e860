import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/index.js';
import { findScenario, loadScenarios } from './catalog.js';
import { resolveParams, resolveSelector } from './run.js';
import type { Topology } from '../runtime/topology.js';

describe('scenario catalog and parameters', () => {
  it('lists the contract scenario ids', async () => {
    const ids = (await loadScenarios()).map((s) => s.id);
    for (const id of ['replica-kill-restore', 'replicas-die-one-by-one', 'replica-crash-loop', 'galera-datadir-wiped', 'galera-quorum-loss',
      'multi-source-replica-rebuild', 'replica-partition', 'replica-pause', 'errant-write', 'pitr-accidental-drop', 'logical-restore',
      'snapshot-restore', 'clone-restore', 'encrypted-artifact-tamper', 'restore-without-binlogs', 'pre-upgrade']) expect(ids).toContain(id);
  });
  it('refuses an unknown scenario with the known ids', async () => {
    await expect(findScenario('nope')).rejects.toThrow(UsageError);
    await expect(findScenario('nope')).rejects.toThrow(/known: .*replica-kill-restore/);
  });
  it('fills defaults and refuses unknown or out-of-range parameters', async () => {
    const s = await findScenario('replica-kill-restore');
    expect(resolveParams(s)).toEqual({ bulkMb: 100 });
    expect(resolveParams(s, { bulkMb: 5 })).toEqual({ bulkMb: 5 });
    expect(() => resolveParams(s, { rows: 1 })).toThrow(/no parameter 'rows'/);
    expect(() => resolveParams(s, { bulkMb: -1 })).toThrow(/out of range/);
  });
});

describe('fault target selectors', () => {
  const node = (name: string) => ({ name });
  const galera = (n: number) => {
    const members = Array.from({ length: n }, (_, i) => node(`galera-${i + 1}`));
    return { members, replicas: [], get: (x: string) => members.find((m) => m.name === x)! } as unknown as Topology;
  };
  it('minority: the members that cannot keep a quorum alone', () => {
    expect(resolveSelector(galera(3), 'minority').map((n) => n.name)).toEqual(['galera-3']);
    expect(resolveSelector(galera(5), 'minority').map((n) => n.name)).toEqual(['galera-4', 'galera-5']);
    expect(() => resolveSelector({ members: [], replicas: [] } as unknown as Topology, 'minority')).toThrow(/Galera cluster of 3/);
  });
  it('names and roles', () => {
    const r = [node('replica-1'), node('replica-2')];
    const topo = { primary: node('primary'), replicas: r, members: [], get: (x: string) => [...r, node('primary')].find((m) => m.name === x)! } as unknown as Topology;
    expect(resolveSelector(topo, 'one-replica').map((n) => n.name)).toEqual(['replica-1']);
    expect(resolveSelector(topo, 'all-replicas').map((n) => n.name)).toEqual(['replica-1', 'replica-2']);
    expect(resolveSelector(topo, 'primary, replica-2').map((n) => n.name)).toEqual(['primary', 'replica-2']);
  });
});
