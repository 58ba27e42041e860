import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHAOS_TOPOLOGIES,
  type ChaosCommand,
  faultCommands,
  SHAPES,
  apply,
  finale,
  firstIneligible,
  initialModel,
  parseCommands,
  plan,
  precondition,
} from './model.js';
import { chaosScenario } from './scenario.js';
import { scheduleArbitrary } from './search.js';

const shape = SHAPES['primary-replicas'];
const lose = (target: string): ChaosCommand => ({ kind: 'lose', target });

/** The model's state after a schedule (which must be eligible throughout). */
const stateAfter = (s: typeof shape, commands: readonly ChaosCommand[]) => commands.reduce(apply, initialModel(s));

describe('the chaos model: every command has its precondition', () => {
  it('a drawn schedule, with the drill end the model adds, never asks for what the state cannot give (every topology, any faults)', () => {
    const topologyAndFaults = fc
      .constantFrom(...CHAOS_TOPOLOGIES)
      .chain((t) => fc.tuple(fc.constant(t), fc.subarray(SHAPES[t].kinds.filter((k) => faultCommands().includes(k)))));
    fc.assert(
      fc.property(
        topologyAndFaults.chain(([t, faults]) => fc.tuple(fc.constant(t), scheduleArbitrary(SHAPES[t], 12, faults))),
        ([t, schedule]) => {
          const s = SHAPES[t];
          expect(firstIneligible(s, schedule)).toBeUndefined();
          const last = stateAfter(s, schedule);
          const end = finale(s, last);
          expect(firstIneligible(s, end, last)).toBeUndefined();
          // the end leaves no node lost, and the invariants always have a node to compare
          const final = end.reduce(apply, last);
          expect(final.lost.size).toBe(0);
          expect(final.up.size).toBe(s.targets.length);
          // what the generator may draw, and nothing else
          for (const c of schedule) expect(s.kinds).toContain(c.kind);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('says why a command may not run', () => {
    const m = initialModel(shape);
    expect(precondition(shape, m, { kind: 'restore', target: 'replica-1' })).toBe('replica-1 is not lost');
    const lost1 = apply(m, lose('replica-1'));
    expect(precondition(shape, lost1, { kind: 'restore', target: 'replica-1' })).toBe('no backup artifact has been taken yet');
    expect(precondition(shape, lost1, lose('replica-2'))).toBe('replica-2 is the last replica standing');
    expect(precondition(shape, lost1, { kind: 'backup', target: 'replica-1' })).toBe('replica-1 is not up');
    expect(precondition(SHAPES.galera, initialModel(SHAPES.galera), lose('galera-2'))).toBe('lose does not apply to galera');
    const ms = SHAPES['multi-source'];
    expect(precondition(ms, initialModel(ms), lose('fanin'))).toMatch(/could not be rebuilt: no artifact exists/);
  });

  // Regression (issue 20): on an unbroken build, seed 20261122 (mariadb-10.11) shrank to `lose replica-1` and seed 77
  // (mariadb-11.8) to `lose replica-1; writes 50`: the drill's end restored the lost node from "the latest artifact"
  // when none had been taken (a model error: the end's restore was not a command of the model).
  for (const schedule of [[lose('replica-1')], [lose('replica-1'), { kind: 'writes', count: 50 } as ChaosCommand]]) {
    it(`ends \`${schedule.map((c) => ('target' in c ? `${c.kind} ${c.target}` : `${c.kind} ${c.count}`)).join('; ')}\` with a backup of the standing replica before the restore`, () => {
      expect(firstIneligible(shape, schedule)).toBeUndefined();
      expect(finale(shape, stateAfter(shape, schedule))).toEqual([
        { kind: 'backup', target: 'replica-2' },
        { kind: 'restore', target: 'replica-1' },
      ]);
      const def = chaosScenario({ id: 'regression', topology: 'primary-replicas', commands: schedule });
      const end = def.phases[def.phases.length - 1]!;
      const names = end.steps.map((s) => s.name);
      const backup = names.findIndex((n) => n.startsWith('physical backup of replica-2'));
      const restore = names.findIndex((n) => n.startsWith('restore latest artifact as replica-1'));
      expect(backup).toBeGreaterThan(-1);
      expect(restore).toBeGreaterThan(backup);
    });
  }

  it('ends with a restore from the existing artifact, without a new backup, when one was taken', () => {
    const schedule: ChaosCommand[] = [{ kind: 'backup', target: 'replica-1' }, lose('replica-2')];
    expect(finale(shape, stateAfter(shape, schedule))).toEqual([{ kind: 'restore', target: 'replica-2' }]);
    expect(finale(shape, stateAfter(shape, [{ kind: 'writes', count: 50 }]))).toEqual([]);
  });

  it('refuses a written schedule whose command is not eligible where it stands, saying why', () => {
    expect(() => chaosScenario({ id: 'x', topology: 'primary-replicas', commands: [{ kind: 'restore', target: 'replica-1' }] })).toThrow(
      /command 1 \(restore replica-1\) is not eligible at that point of the schedule: replica-1 is not lost/,
    );
  });

  it('plans only eligible commands and records the state around each', () => {
    const p = plan(shape, [
      { kind: 'restore', target: 'replica-1' },
      lose('replica-1'),
      lose('replica-2'),
      { kind: 'backup', target: 'replica-2' },
    ]);
    expect(p.map((x) => x.command)).toEqual([lose('replica-1'), { kind: 'backup', target: 'replica-2' }]);
    expect([...p[1]!.before.lost]).toEqual(['replica-1']);
    expect(p[1]!.after.artifacts).toBe(1);
  });

  it('refuses a schedule with an unknown kind or target', () => {
    expect(() => parseCommands(shape, [{ kind: 'kil', target: 'replica-1' }])).toThrow(/kind 'kil'/);
    expect(() => parseCommands(shape, [{ kind: 'kill', target: 'replica-9' }])).toThrow(/target 'replica-9'/);
    expect(parseCommands(shape, [{ kind: 'pause', target: 'replica-2', writes: 50 }])).toEqual([
      { kind: 'pause', target: 'replica-2', writes: 50 },
    ]);
  });
});
