import { describe, expect, it } from 'vitest';
import type { Fault } from '../faults/index.js';
import { defineScenario, galera, phase, primaryReplicas, datasetPlusBulk } from './define.js';
import { inject, underLoad, whileFaulted } from './steps/common.js';
import type { ScenarioDefinition } from './types.js';

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
