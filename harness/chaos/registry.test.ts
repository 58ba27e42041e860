import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chaosFaults, faultHandlers } from '../faults/index.js';
import {
  CHAOS_TOPOLOGIES,
  type ChaosCommand,
  type ChaosModel,
  SHAPES,
  apply,
  describeCommand,
  drawOf,
  firstIneligible,
  initialModel,
} from './model.js';
import { chaosScenario } from './scenario.js';
import { scheduleArbitrary } from './search.js';

/** What a fault command needs of the state, read straight from the model's state (not through precondition()). */
function stateRefuses(t: (typeof CHAOS_TOPOLOGIES)[number], m: ChaosModel, c: ChaosCommand): string | undefined {
  if (c.kind === 'writes') return undefined;
  if (!('target' in c)) return 'no target';
  if (c.kind === 'restore') return m.lost.has(c.target) && m.artifacts > 0 ? undefined : `restore of ${c.target} with nothing to restore`;
  if (m.lost.has(c.target)) return `${c.kind} on the lost node ${c.target}`;
  if (!m.up.has(c.target)) return `${c.kind} on ${c.target}, not up`;
  const draw = drawOf(c);
  if (c.kind !== 'backup' && !draw) return `${c.kind} is neither a procedure nor a registry fault`;
  if (draw && !draw.topologies.includes(t)) return `${c.kind} drawn on ${t}, which it does not apply to`;
  const writes = 'writes' in c ? c.writes : undefined;
  if (draw?.holdsForWrites && !(Number.isInteger(writes) && writes! > 0)) return `${c.kind} held for no writes`;
  return draw?.precondition?.({ topology: t, ...m, backupFrom: SHAPES[t].backupFrom }, c.target);
}

describe('chaos draws its faults from the registry', () => {
  for (const t of CHAOS_TOPOLOGIES) {
    for (const f of chaosFaults(t)) {
      it(`${f.kind} (command '${f.draw.command}') can be drawn on ${t}, and its drill injects the registry's fault`, () => {
        const schedules = fc.sample(scheduleArbitrary(SHAPES[t], 6, [f.draw.command]), { seed: 7, numRuns: 200 });
        const schedule = schedules.find((s) => s.some((c) => c.kind === f.draw.command));
        expect(schedule, `no schedule of 200 on ${t} drew ${f.draw.command}`).toBeDefined();
        // the schedule up to the fault, as a drill (what came before may be what the fault needs, e.g. a backup)
        const i = schedule!.findIndex((c) => c.kind === f.draw.command);
        const def = chaosScenario({ id: 'one-fault', topology: t, commands: schedule!.slice(0, i + 1) });
        const phase = def.phases.find((p) => p.name === `cmd-${i + 1}: ${describeCommand(schedule![i]!)}`);
        // the model check, the fault's own steps, the invariants
        expect(phase?.steps.length).toBeGreaterThan(2);
        expect(phase!.steps.some((s) => s.name.includes(f.kind))).toBe(true);
      });
    }
  }

  it('a fault chaos never draws says why, and every other applies to some topology', () => {
    for (const h of faultHandlers()) {
      if (h.chaos) expect(h.chaos.topologies.length, h.kind).toBeGreaterThan(0);
      else expect(h.notDrawn, `${h.kind}: neither drawn by chaos nor saying why`).toMatch(/\w{10}/);
    }
    const commands = chaosFaults().map((f) => f.draw.command);
    expect(new Set(commands).size).toBe(commands.length);
    for (const p of ['backup', 'restore', 'writes']) expect(commands).not.toContain(p);
  });

  it('a drawn schedule never asks for what the state cannot give (every topology, every fault allowed)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CHAOS_TOPOLOGIES).chain((t) => fc.tuple(fc.constant(t), scheduleArbitrary(SHAPES[t], 12))),
        ([t, schedule]) => {
          let m = initialModel(SHAPES[t]);
          for (const c of schedule) {
            expect(stateRefuses(t, m, c), describeCommand(c)).toBeUndefined();
            m = apply(m, c);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the check above fails for a schedule that asks for what the state cannot give', () => {
    const t = 'primary-replicas';
    const bad: ChaosCommand[] = [
      { kind: 'lose', target: 'replica-1' },
      { kind: 'kill', target: 'replica-1' },
    ];
    const m = apply(initialModel(SHAPES[t]), bad[0]!);
    expect(stateRefuses(t, m, bad[1]!)).toBe('kill on the lost node replica-1');
    expect(firstIneligible(SHAPES[t], bad)).toEqual({ index: 1, reason: 'replica-1 is not up' });
    expect(stateRefuses('galera', initialModel(SHAPES.galera), { kind: 'lose', target: 'galera-2' })).toBe(
      'lose drawn on galera, which it does not apply to',
    );
  });
});
