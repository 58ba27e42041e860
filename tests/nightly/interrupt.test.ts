import { describe, expect, it } from 'vitest';
import { drawPoints, expected, interruptAt, seedFromEnv, seeded, type How, type Outcome, type Point } from '../docker/interrupt-kit.js';

// Real drills interrupted at seeded random points of every phase, every way a run can be interrupted (SIGINT,
// SIGTERM, a second signal during teardown, SIGKILL + firedrill clean): 24 interruptions of replica-kill-restore
// (every phase, four ways each... drawn) and 8 of pitr-accidental-drop (the binlog streamer and its secrets).
// Each must leave 0 objects and 0 temporary files. The seed is printed; FIREDRILL_INTERRUPT_SEED=<seed> replays it.
const seed = seedFromEnv();
const rand = seeded(seed);
const hows: How[] = ['SIGINT', 'SIGTERM', 'second-signal', 'SIGKILL+clean'];
const points: Point[] = [
  ...drawPoints(
    rand,
    24,
    'replica-kill-restore',
    'mariadb-10.11',
    ['start', 'setup', 'replica-crash', 'backup', 'restore', 'verify-restore', 'catch-up', 'verify'],
    hows,
    4000,
  ),
  ...drawPoints(
    rand,
    8,
    'pitr-accidental-drop',
    'mysql-9.7',
    ['stream', 'backup', 'writes-after-backup', 'accident', 'detect', 'point-in-time-recovery', 'verify', 'recovery-by-time'],
    hows,
    3000,
  ),
];
const outcomes: Outcome[] = [];

describe(`interruption at any instant leaves nothing behind (seed ${seed})`, () => {
  console.log(`interrupt seed ${seed}: ${points.map((p) => `${p.scenario}:${p.how}@${p.phase}+${p.afterMs}ms`).join(', ')}`);
  for (const point of points) {
    it(`${point.scenario}: ${point.how} ${point.afterMs} ms into phase ${point.phase}`, async () => {
      const o = await interruptAt(point);
      outcomes.push(o);
      const e = expected(o);
      expect(
        { code: o.code, verdict: o.verdict, objects: o.objects, dangling: o.danglingVolumes, temp: o.tempFiles },
        o.stderrTail,
      ).toEqual({ code: e.code, verdict: e.verdict, objects: [], dangling: [], temp: [] });
      if (o.interrupted) expect(o.junit).toBe(true);
    });
  }
  it('interrupted at least 20 times in total, in every way', () => {
    const done = outcomes.filter((o) => o.interrupted);
    expect(done.length).toBeGreaterThanOrEqual(20);
    expect(new Set(done.map((o) => o.point.how))).toEqual(new Set(hows));
  });
});
