import { describe, expect, it } from 'vitest';
import { cli } from '../docker/helpers.js';

/**
 * The proof of generative chaos: a defect planted behind a test-only switch (a restore that skips the
 * transactions written after its backup) shows only when a backup, a node loss and its restore interact. From a
 * fixed seed, chaos finds it, shrinks it to at most 3 commands (fewer than it first failed with), and the written
 * scenario reproduces it with `firedrill run`; without the switch the same seed passes.
 */
const base = [
  'chaos',
  '--topology',
  'primary-replicas',
  '--flavor',
  'mariadb-10.11',
  '--seed',
  '1',
  '--steps',
  '6',
  '--runs',
  '10',
  '--budget',
  '30m',
  '--json',
];

describe('firedrill chaos finds, shrinks and writes out a planted defect', () => {
  it('finds it from seed 1 and shrinks it to at most 3 commands', async () => {
    const env = { FIREDRILL_PLANTED_DEFECT: 'restore-skips-binlogs' };
    const r = await cli(base, { env });
    expect(r.code, r.stderr.slice(-3000)).toBe(1);
    const s = JSON.parse(r.stdout) as {
      firstFailure: { commands: unknown[] };
      minimal: { commands: Array<{ kind: string }>; scenarioFile: string; replay: string };
    };
    expect(s.minimal.commands.length).toBeLessThanOrEqual(3);
    expect(s.minimal.commands.length).toBeLessThan(s.firstFailure.commands.length);
    expect(s.minimal.commands.map((c) => c.kind)).toEqual(['backup', 'lose', 'restore']);
    const again = await cli(['run', s.minimal.scenarioFile, '--flavor', 'mariadb-10.11', '--json'], { env });
    expect(again.code).toBe(1);
    expect((JSON.parse(again.stdout) as { error: string }).error).toMatch(/invariant violated/);
    const replayed = await cli(
      ['chaos', '--topology', 'primary-replicas', '--flavor', 'mariadb-10.11', '--replay', s.minimal.replay, '--json'],
      { env },
    );
    expect(replayed.code).toBe(1);
  });

  it('passes the same seed without the defect', async () => {
    const r = await cli(base);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    expect((JSON.parse(r.stdout) as { attempts: unknown[] }).attempts).toHaveLength(10);
  });
});
