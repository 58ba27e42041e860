import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportsDir } from '../../harness/runtime/paths.js';
import { cli, filesHolding, leftovers, passwordsInContainers } from './helpers.js';

/**
 * Generative chaos, the short version (the full search with shrinking is in tests/nightly/chaos.test.ts): the
 * schedule seed 1 shrinks to (path 0:2) is replayed with and without the planted defect.
 */
const DEFECT = { FIREDRILL_PLANTED_DEFECT: 'restore-skips-binlogs' };
const replay = ['chaos', '--topology', 'primary-replicas', '--flavor', 'mariadb-10.11', '--replay', '1:0:2', '--json'];

interface ChaosSummary {
  verdict: string;
  seed: number;
  attempts: Array<{
    commands: Array<{ kind: string; target?: string }>;
    pass: boolean;
    interrupted?: boolean;
    class?: string;
    reason?: string;
    reportDir: string;
  }>;
  minimal: { commands: unknown[]; replay: string; scenarioFile: string } | null;
}
const runIdOf = (reportDir: string) => reportDir.split('/').pop()!;

describe('firedrill chaos --replay', () => {
  it('replays exactly one schedule; with the planted defect an invariant fails after the restore, and the written scenario reproduces it', async () => {
    const r = await cli(replay, { env: DEFECT });
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
    const s = JSON.parse(r.stdout) as ChaosSummary;
    expect(s.attempts).toHaveLength(1);
    expect(s.attempts[0]!.commands).toEqual([
      { kind: 'backup', target: 'replica-1' },
      { kind: 'lose', target: 'replica-2' },
      { kind: 'restore', target: 'replica-2' },
    ]);
    expect(s.attempts[0]!.reason).toMatch(/invariant violated after command 3 \(restore replica-2\).*replica-2-ledger/);
    expect(s.attempts[0]!.class).toBe('database');
    expect(s.minimal!.replay).toBe('1:0:2');
    expect(await leftovers(runIdOf(s.attempts[0]!.reportDir))).toEqual([]);

    const file = await readFile(s.minimal!.scenarioFile, 'utf8');
    expect(file).toContain("from '../../harness/chaos/index.js'");
    // The written scenario run again, as a failed night: with the team's my.cnf (holding a secret of its own) and a
    // TMPDIR of its own. Frozen once replica-2 is lost, no host folder of the run holds the team's secret or a
    // password of the run's option files (read inside its containers); after it failed, every node's error log is
    // in its report, the replaced replica-2's too.
    const work = await mkdtemp(join(tmpdir(), 'fd-chaos-night-'));
    const teamSecret = `sst-${randomBytes(9).toString('hex')}`;
    await writeFile(join(work, 'team.cnf'), `[mysqld]\nwsrep_sst_auth = sst:${teamSecret}\n`);
    await mkdir(join(work, 'tmp'));
    let runId = '';
    let scan: Promise<{ passwords: string[]; hits: string[] }> | undefined;
    const again = await cli(
      ['run', s.minimal!.scenarioFile, '--flavor', 'mariadb-10.11', '--server-config', join(work, 'team.cnf'), '--json'],
      {
        env: { ...DEFECT, TMPDIR: join(work, 'tmp') },
        onStderr: (text, child) => {
          runId ||= /run (\S+): /.exec(text)?.[1] ?? '';
          if (scan || !runId || !/phase cmd-3/.test(text)) return;
          child.kill('SIGSTOP');
          scan = (async () => {
            try {
              const passwords = await passwordsInContainers(runId);
              return { passwords, hits: await filesHolding([...passwords, teamSecret], [join(work, 'tmp'), join(reportsDir, runId)]) };
            } finally {
              child.kill('SIGCONT');
            }
          })();
        },
      },
    );
    expect(again.code, again.stderr.slice(-2000)).toBe(1);
    const drill = JSON.parse(again.stdout) as { verdict: string; error: string; runId: string; reportDir: string };
    expect(drill.error).toMatch(/invariant violated after command 3/);
    expect(await leftovers(drill.runId)).toEqual([]);
    expect((await scan)?.hits, 'host files holding a secret while the drill ran').toEqual([]);
    expect(await filesHolding([...(await scan)!.passwords, teamSecret], [join(work, 'tmp'), drill.reportDir])).toEqual([]);
    const logs = join(drill.reportDir, 'nodes');
    expect((await readdir(logs)).sort()).toEqual(['primary', 'replica-1', 'replica-2']);
    for (const node of ['primary', 'replica-1', 'replica-2'])
      expect(await readFile(join(logs, node, 'error.log'), 'utf8'), node).toMatch(/ready for connections/);
    // replica-2 was lost (its container and data removed) and restored as a new container: both logs are kept
    expect(await readFile(join(logs, 'replica-2', 'error-2.log'), 'utf8')).toMatch(/ready for connections/);
    await rm(work, { recursive: true, force: true });
  });

  it('passes the same schedule without the defect', async () => {
    const r = await cli(replay);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const s = JSON.parse(r.stdout) as ChaosSummary;
    expect(s.verdict).toBe('pass');
    expect(s.attempts.map((a) => a.pass)).toEqual([true]);
  });

  it('stops and tears down the running drill when the budget runs out, before it exits; nothing judged is exit 2', async () => {
    // a budget shorter than the topology's start: the one drill is stopped while it sets up
    const r = await cli(
      'chaos --topology primary-replicas --flavor mariadb-10.11 --seed 3 --steps 2 --runs 1 --budget 8s --json'.split(' '),
    );
    expect(r.code, r.stderr.slice(-2000)).toBe(2);
    const s = JSON.parse(r.stdout) as ChaosSummary & { interrupted: boolean; judged: number };
    expect(s.verdict).toBe('not judged');
    expect(s.interrupted).toBe(true);
    expect(s.judged).toBe(0);
    expect(s.attempts).toHaveLength(1);
    expect(s.attempts[0]!.interrupted).toBe(true);
    expect(r.stderr).toMatch(/budget reached/);
    // nothing labelled with the attempt's run remains: containers, volumes, network; nor its backup store
    expect(await leftovers(runIdOf(s.attempts[0]!.reportDir))).toEqual([]);
    expect(existsSync(join(s.attempts[0]!.reportDir, 'store'))).toBe(false);
  });

  it('refuses bad input with one line and exit 2', async () => {
    for (const args of [
      ['chaos'],
      ['chaos', '--topology', 'ring'],
      ['chaos', '--topology', 'galera', '--flavor', 'mysql-9.7'],
      ['chaos', '--topology', 'galera', '--faults', 'lose'],
      ['chaos', '--topology', 'primary-replicas', '--replay', 'x'],
      ['chaos', '--topology', 'primary-replicas', '--budget', 'soon'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
