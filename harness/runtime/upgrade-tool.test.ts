import { describe, expect, it } from 'vitest';
import { ExecError, type RunResult } from '../exec/index.js';
import { keptOutput, runUpgradeTool, tellingLine, UpgradeToolError } from './upgrade-tool.js';

const failed = (p: Partial<ConstructorParameters<typeof ExecError>[0]>) =>
  new ExecError({
    argv: ['docker', 'exec', 'c', 'mariadb-upgrade'],
    exitCode: 1,
    signal: null,
    stdout: '',
    stderr: '',
    durationMs: 35_000,
    timedOut: false,
    ...p,
  });

const nodeThat = (outcome: () => Promise<RunResult>) => ({ name: 'upgraded', container: { exec: () => outcome() } });

// mariadb-upgrade 11.8's output on a failure: phases on stdout, the failing statement's error on stderr
const STDOUT = [
  'Phase 1/8: Checking and upgrading mysql database',
  'Processing databases',
  'mysql',
  'mysql.user                                         OK',
  "Phase 4/8: Running 'mysql_fix_privilege_tables'",
].join('\n');
const STDERR = ["ERROR 1062 (23000) at line 401: Duplicate entry 'x' for key 'PRIMARY'", 'FATAL ERROR: Upgrade failed'].join('\n');

describe('the upgrade tool run in a container', () => {
  it('on failure, the error carries the tool output and names the failing statement in its first line', async () => {
    const node = nodeThat(() => Promise.reject(failed({ stdout: STDOUT, stderr: STDERR })));
    const e = await runUpgradeTool(node, ['mariadb-upgrade']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UpgradeToolError);
    const first = (e as Error).message.split('\n')[0];
    expect(first).toBe(
      "mariadb-upgrade failed on upgraded (exit code 1): ERROR 1062 (23000) at line 401: Duplicate entry 'x' for key 'PRIMARY'",
    );
    expect((e as UpgradeToolError).output).toContain('Phase 4/8');
    expect((e as Error).message).toContain('FATAL ERROR: Upgrade failed');
    expect((e as Error).cause).toBeInstanceOf(ExecError);
  });

  it('a deadline passed is said as such', async () => {
    const node = nodeThat(() => Promise.reject(failed({ exitCode: null, timedOut: true, stdout: STDOUT })));
    const e = (await runUpgradeTool(node, ['mariadb-upgrade'], 1000).catch((x: unknown) => x)) as Error;
    expect(e.message.split('\n')[0]).toMatch(/deadline passed/);
  });

  it('a cancelled run and other errors pass through unchanged (an interruption is not the tool failing)', async () => {
    const cancelled = failed({ exitCode: null, signal: 'SIGTERM', canceled: true });
    await expect(
      runUpgradeTool(
        nodeThat(() => Promise.reject(cancelled)),
        ['mariadb-upgrade'],
      ),
    ).rejects.toBe(cancelled);
    const other = new Error('no such container');
    await expect(
      runUpgradeTool(
        nodeThat(() => Promise.reject(other)),
        ['mariadb-upgrade'],
      ),
    ).rejects.toBe(other);
  });

  it('success returns the result', async () => {
    const ok: RunResult = { argv: ['mariadb-upgrade'], exitCode: 0, stdout: 'done', stderr: '', durationMs: 1 };
    await expect(
      runUpgradeTool(
        nodeThat(() => Promise.resolve(ok)),
        ['mariadb-upgrade'],
      ),
    ).resolves.toBe(ok);
  });

  it('runs the tool under a UTF-8 locale, so names outside latin1 reach the server intact (F17)', async () => {
    const seen: Array<readonly string[]> = [];
    const node = {
      name: 'upgraded',
      container: {
        exec: (argv: readonly string[]) => {
          seen.push(argv);
          return Promise.resolve({ argv, exitCode: 0, stdout: '', stderr: '', durationMs: 1 });
        },
      },
    };
    await runUpgradeTool(node, ['mariadb-upgrade', '--defaults-extra-file=/x/client.cnf']);
    expect(seen).toEqual([['env', 'LC_ALL=C.UTF-8', 'mariadb-upgrade', '--defaults-extra-file=/x/client.cnf']]);
  });

  it('the telling line skips the closing FATAL line; without an error line it is the last line', () => {
    expect(tellingLine(`${STDOUT}\n${STDERR}`)).toMatch(/^ERROR 1062/);
    expect(tellingLine('FATAL ERROR: Upgrade failed')).toBe('FATAL ERROR: Upgrade failed');
    expect(tellingLine('a\nb')).toBe('b');
    expect(tellingLine('')).toBe('(no output)');
  });

  it('keeps the last 60 non-blank lines, stdout then stderr', () => {
    const stdout = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const kept = keptOutput({ stdout, stderrTail: '\nlast\n' }).split('\n');
    expect(kept).toHaveLength(60);
    expect(kept[0]).toBe('line 41');
    expect(kept.at(-1)).toBe('last');
  });
});
