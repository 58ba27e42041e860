import { describe, expect, it } from 'vitest';
import { timePhase, type PhaseRecord } from './phases.js';

describe('the phase timer (drills and restore-test)', () => {
  it('records the phase and each step in order, with their times, and returns what the body returns', async () => {
    const phases: PhaseRecord[] = [];
    const lines: string[] = [];
    const v = await timePhase(
      phases,
      'restore',
      true,
      (m) => lines.push(m),
      async (step) => {
        await step('first', async () => new Promise((r) => setTimeout(r, 5)));
        return step('second', async () => 42);
      },
    );
    expect(v).toBe(42);
    expect(lines).toEqual(['phase restore', '  first', '  second']);
    const [p] = phases;
    expect(p).toMatchObject({ name: 'restore', recovery: true });
    expect(p!.steps.map((s) => s.name)).toEqual(['first', 'second']);
    expect(p!.steps[0]!.endMs - p!.steps[0]!.startMs).toBeGreaterThanOrEqual(4);
    expect(p!.durationMs).toBe(p!.endMs - p!.startMs);
    expect(p!.steps.some((s) => s.error)).toBe(false);
  });

  it('a failing step keeps its error, the phase its end, and the error goes on; no step is invented', async () => {
    const phases: PhaseRecord[] = [];
    await expect(
      timePhase(
        phases,
        'crash',
        false,
        () => {},
        async (step) => {
          await step('kill', async () => {
            throw new Error('docker kill failed');
          });
          await step('never', async () => {});
        },
      ),
    ).rejects.toThrow('docker kill failed');
    expect(phases[0]!.steps).toEqual([expect.objectContaining({ name: 'kill', error: 'docker kill failed' })]);
    expect(phases[0]!.endMs).toBeGreaterThan(0);
  });

  it('a phase that throws outside any step records the error as a step named after the phase', async () => {
    const phases: PhaseRecord[] = [];
    await expect(
      timePhase(
        phases,
        'inspect',
        false,
        () => {},
        async () => {
          throw new Error('not a backup');
        },
      ),
    ).rejects.toThrow('not a backup');
    expect(phases[0]!.steps).toEqual([expect.objectContaining({ name: 'inspect', error: 'not a backup' })]);
  });
});
