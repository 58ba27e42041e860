import { describe, expect, it } from 'vitest';
import { UsageError, type FlavorId } from '../core/index.js';
import type { Fault } from '../faults/index.js';
import { defineScenario, galera, phase, primaryReplicas, datasetPlusBulk } from './define.js';
import { inject, underLoad, whileFaulted } from './steps/common.js';
import { equalsPrimary, expectReplicating, ledgerHolds } from './steps/replication.js';
import { restoreLatest } from './steps/restore.js';
import type { Phase, ScenarioDefinition } from './types.js';

// A scenario the runner would accept; the tests below change one thing in it.
const scenario = (faultStep: ReturnType<typeof inject>, topology = primaryReplicas({ replicas: ['replica-1'] })): ScenarioDefinition => ({
  id: 'test-scenario',
  description: 'a scenario for the definition checks',
  flavors: ['mariadb-10.11'],
  ...datasetPlusBulk(),
  topology,
  workload: { writers: 1, ratePerSec: 10 },
  phases: [phase('fault', [underLoad(10), faultStep])],
  rpoNode: 'replica-1',
});

describe('defineScenario refuses a fault it could not inject, before anything starts', () => {
  it('accepts faults whose kinds exist and whose targets the topology has', () => {
    expect(() => defineScenario(scenario(inject({ kind: 'kill', target: 'replica-1', restart: false })))).not.toThrow();
    expect(() => defineScenario(scenario(whileFaulted({ kind: 'pause', target: 'all-replicas' }, [underLoad(1)])))).not.toThrow();
  });

  it('refuses a misspelt fault kind (tsc refuses it too), naming the known kinds', () => {
    // @ts-expect-error: 'kil' is not a fault kind
    const typo: Fault = { kind: 'kil', target: 'replica-1' };
    expect(() => defineScenario(scenario(inject(typo)))).toThrow(/unknown fault kind 'kil' \(known: .*kill.*\)/);
  });

  it('refuses a misspelt kind inside whileFaulted too', () => {
    const typo = { kind: 'partitoin', target: 'replica-1' } as unknown as Fault;
    expect(() => defineScenario(scenario(whileFaulted({ kind: 'pause', target: 'replica-1' }, [inject(typo)])))).toThrow(
      /phase 'fault'.*unknown fault kind 'partitoin'/,
    );
  });

  it('refuses a target the topology does not have: an unknown node, a misspelt role, a role the topology cannot have', () => {
    expect(() => defineScenario(scenario(inject({ kind: 'kill', target: 'replica-2' })))).toThrow(/unknown node\(s\) 'replica-2'/);
    expect(() => defineScenario(scenario(inject({ kind: 'kill', target: 'all-replica' })))).toThrow(/unknown node\(s\) 'all-replica'/);
    expect(() => defineScenario(scenario(inject({ kind: 'partition', target: 'minority' })))).toThrow(/'minority' needs a Galera cluster/);
    const cluster = galera({ members: ['galera-1', 'galera-2', 'galera-3'], writeNode: 'galera-1' });
    expect(() =>
      defineScenario({ ...scenario(inject({ kind: 'partition', target: 'minority' }), cluster), rpoNode: 'galera-1' }),
    ).not.toThrow();
    expect(() => defineScenario({ ...scenario(inject({ kind: 'kill', target: 'one-replica' }), cluster), rpoNode: 'galera-1' })).toThrow(
      /'one-replica' needs replicas/,
    );
  });
});

describe('defineScenario checks the whole drill, so a drill file (types unchecked under tsx) fails before anything starts', () => {
  const refused = (def: ScenarioDefinition) => {
    try {
      defineScenario(def);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError); // one line, exit 2
      return (e as Error).message;
    }
    return 'accepted';
  };
  it("refuses a signal the kill cannot send (the README example's typo), naming the ones it can", () => {
    const typo = { kind: 'kill', target: 'replica-1', signal: 'KIL' } as unknown as Fault;
    expect(refused(scenario(inject(typo)))).toBe(
      `scenario test-scenario: phase 'fault': fault kill on 'replica-1': signal "KIL" is not one of KILL, TERM, ABRT, SEGV`,
    );
    expect(refused(scenario(inject({ kind: 'kill', target: 'replica-1', signal: 'TERM', restart: false })))).toBe('accepted');
  });
  it('refuses an attribute the kind does not take, a value of the wrong type, a missing required one, a missing target', () => {
    expect(refused(scenario(inject({ kind: 'pause', target: 'replica-1', sigal: 'KILL' } as unknown as Fault)))).toMatch(
      /fault pause on 'replica-1': unknown attribute 'sigal' \(a pause fault takes target\)/,
    );
    expect(refused(scenario(inject({ kind: 'kill', target: 'replica-1', restart: 'no' } as unknown as Fault)))).toMatch(
      /restart "no" is not true or false/,
    );
    expect(
      refused(scenario(inject({ kind: 'crash-trigger', target: 'replica-1', db: 'shop', table: 'orders', key: 'id' } as unknown as Fault))),
    ).toMatch(/id undefined is not a whole number/);
    expect(refused(scenario(inject({ kind: 'kill' } as unknown as Fault)))).toMatch(
      /fault kill on 'undefined': target undefined is not a node or a role/,
    );
  });
  it('refuses a step on a node the drill never has, and accepts one a restore made earlier', () => {
    const base = scenario(inject({ kind: 'kill', target: 'replica-1' }));
    const withPhases = (...phases: Phase[]) => ({ ...base, phases });
    expect(refused(withPhases(phase('check', [expectReplicating('replica-9')])))).toBe(
      "scenario test-scenario: phase 'check', step 'replica-9 resumes replication': no node 'replica-9' (the topology has primary, replica-1)",
    );
    expect(refused(withPhases(phase('restore', [restoreLatest('restored')]), phase('verify', [equalsPrimary('restored')])))).toBe(
      'accepted',
    );
    expect(refused(withPhases(phase('verify', [equalsPrimary('restored')]), phase('restore', [restoreLatest('restored')])))).toMatch(
      /no node 'restored'/,
    );
    expect(refused(withPhases(phase('f', [whileFaulted({ kind: 'pause', target: 'replica-1' }, [ledgerHolds('replica-2')])])))).toMatch(
      /no node 'replica-2'/,
    );
  });
  it('refuses an unknown flavor, a bad workload, a parameter whose default it would itself refuse, duplicate phases', () => {
    const ok = scenario(underLoad(1) as never);
    expect(refused({ ...ok, flavors: ['mariadb-12.0' as FlavorId] })).toMatch(/unknown flavor 'mariadb-12.0'/);
    expect(refused({ ...ok, workload: { writers: -1, ratePerSec: 10 } })).toMatch(/workload.writers -1 is not a number of 0 or more/);
    expect(refused({ ...ok, params: { bulkMb: { default: -5, min: 0, description: 'x' } } })).toMatch(
      /the default of parameter bulkMb: parameter bulkMb=-5 is out of range \(min 0\)/,
    );
    expect(refused({ ...ok, phases: [phase('a', []), phase('a', [])] })).toMatch(/phase 'a' appears twice/);
  });
  it("every drill firedrill ships passes its own definition's checks", async () => {
    const { loadScenarios } = await import('./catalog.js');
    for (const s of await loadScenarios()) expect(refused(s), s.id).toBe('accepted');
  }, 120_000);
});
