import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChaosCommand, SHAPES, eligible, initialModel, parseCommands, plan } from './model.js';
import { commandArbitrary, parseReplay, searchSchedules } from './search.js';

const shape = SHAPES['primary-replicas'];

/**
 * A fake system with the planted defect's shape: a restore that skips what was written after the backup. It only
 * shows when a backup is followed by writes (always: the workload is continuous) and a node is lost and restored.
 */
async function fakeSystem(commands: readonly ChaosCommand[], defect: boolean) {
  let backedUp = false;
  const lost = new Set<string>();
  for (const [i, c] of commands.entries()) {
    if (c.kind === 'backup') backedUp = true;
    if (c.kind === 'lose') lost.add(c.target);
    if (c.kind === 'restore' && defect && backedUp && lost.has(c.target))
      return { pass: false, failedAt: i, reason: `${c.target} misses writes after the backup` };
    if (c.kind === 'restore') lost.delete(c.target);
  }
  return { pass: true };
}

const quiet = () => {};

describe('the chaos model', () => {
  it('plans only eligible commands: no restore before a backup and a loss, never losing the last replica', () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary(shape), { maxLength: 20 }), (drawn) => {
        let m = initialModel(shape);
        for (const { command, after } of plan(shape, drawn)) {
          expect(eligible(shape, m, command)).toBe(true);
          if (command.kind === 'restore') expect(m.artifacts).toBeGreaterThan(0);
          m = after;
          expect(m.up.size).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });

  it('loses the lone fan-in only once an artifact exists to rebuild it from', () => {
    const ms = SHAPES['multi-source'];
    fc.assert(
      fc.property(fc.array(commandArbitrary(ms), { maxLength: 20 }), (drawn) => {
        let artifacts = 0;
        for (const { command, after } of plan(ms, drawn)) {
          if (command.kind === 'lose') expect(artifacts).toBeGreaterThan(0);
          artifacts = after.artifacts;
        }
      }),
    );
  });

  it('refuses a schedule with an unknown kind or target', () => {
    expect(() => parseCommands(shape, [{ kind: 'kil', target: 'replica-1' }])).toThrow(/kind 'kil'/);
    expect(() => parseCommands(shape, [{ kind: 'kill', target: 'replica-9' }])).toThrow(/target 'replica-9'/);
    expect(parseCommands(shape, [{ kind: 'pause', target: 'replica-2', writes: 50 }])).toEqual([
      { kind: 'pause', target: 'replica-2', writes: 50 },
    ]);
  });

  it('reads SEED:PATH', () => {
    expect(parseReplay('42:3:1:0')).toEqual({ seed: 42, path: '3:1:0' });
    expect(() => parseReplay('42')).toThrow(/SEED:PATH/);
  });
});

describe('searchSchedules', () => {
  const run = (defect: boolean, extra: Partial<Parameters<typeof searchSchedules>[0]> = {}) =>
    searchSchedules({
      shape,
      seed: 7,
      steps: 10,
      runs: 60,
      budgetMs: 60_000,
      progress: quiet,
      attempt: (cmds) => fakeSystem(cmds, defect),
      ...extra,
    });

  it('finds the planted defect from a fixed seed and shrinks it to at most 3 commands', async () => {
    const r = await run(true);
    expect(r.verdict).toBe('fail');
    expect(r.minimal).toBeDefined();
    expect(r.minimal!.commands.length).toBeLessThanOrEqual(3);
    expect(r.minimal!.commands.length).toBeLessThan(r.firstFailure!.commands.length);
    expect(r.minimal!.commands.map((c) => c.kind)).toEqual(expect.arrayContaining(['backup', 'lose', 'restore']));
  });

  it('replays exactly the minimal schedule from SEED:PATH', async () => {
    const r = await run(true);
    const again = await run(true, { seed: r.seed, path: r.minimal!.path });
    expect(again.attempts).toHaveLength(1);
    expect(again.attempts[0]!.commands).toEqual(r.minimal!.commands);
    expect(again.verdict).toBe('fail');
  });

  it('replays one schedule only, also when it passes', async () => {
    const r = await run(true);
    const again = await run(false, { seed: r.seed, path: r.minimal!.path });
    expect(again.attempts).toHaveLength(1);
    expect(again.verdict).toBe('pass');
  });

  it('passes the same seed without the defect, after running every drawn schedule', async () => {
    const r = await run(false);
    expect(r.verdict).toBe('pass');
    expect(r.attempts).toHaveLength(60);
    expect(r.minimal).toBeUndefined();
  });

  it('ends the search when a drill could not run, rethrowing its error without shrinking', async () => {
    let calls = 0;
    const r = run(true, {
      attempt: async () => {
        calls++;
        throw new Error('no engine');
      },
    });
    await expect(r).rejects.toThrow('no engine');
    expect(calls).toBe(1);
  });

  it('stops at the budget', async () => {
    const r = await run(false, {
      budgetMs: 50,
      attempt: async () => {
        await new Promise((res) => setTimeout(res, 20));
        return { pass: true };
      },
    });
    expect(r.interrupted).toBe(true);
    expect(r.attempts.length).toBeLessThan(60);
  });
});
