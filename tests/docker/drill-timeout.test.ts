import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docker } from '../../harness/runtime/docker.js';
import { reportsDir } from '../../harness/runtime/paths.js';
import { leftovers } from './helpers.js';

const root = resolve(import.meta.dirname, '..', '..');

/**
 * `run --timeout`: a server that freezes in the middle of a drill (docker pause: the process stops, its socket stays
 * open, nothing answers) ends the drill with exit 2 once one of the drill's own queries has waited the deadline,
 * naming the node and the statement, and the teardown still removes everything (the frozen container too).
 */
describe('a drill whose primary freezes', () => {
  it(
    'ends with exit 2 within --timeout of the first unanswered query, naming it, and leaves nothing',
    async () => {
      let runId = '';
      let frozenAt = 0;
      let freezing: Promise<unknown> | undefined;
      const r = await new Promise<{ code: number | null; stderr: string }>((res, rej) => {
        const child = spawn(
          process.execPath,
          [
            resolve(root, 'bin/firedrill.mjs'),
            'run',
            'replica-kill-restore',
            '--dataset',
            'none',
            '--param',
            'bulkMb=0',
            '--timeout',
            '20s',
          ],
          { cwd: root },
        );
        let stderr = '';
        child.stdout.resume();
        child.stderr.on('data', (b: Buffer) => {
          stderr += b.toString();
          runId ||= /run (\d{14}-[0-9a-f]{6})/.exec(stderr)?.[1] ?? '';
          // once the backup phase begins the primary is frozen: the drill asks it for its GTID position later on
          if (!freezing && runId && /phase backup\n/.test(stderr)) {
            frozenAt = Date.now();
            freezing = docker(['pause', `fd-${runId}-primary`]);
          }
        });
        child.on('error', rej);
        child.on('close', (code) => res({ code, stderr }));
      });
      await freezing;
      const elapsed = Date.now() - frozenAt;
      expect(frozenAt, r.stderr.slice(-2000)).toBeGreaterThan(0);
      expect(r.code, r.stderr.slice(-2000)).toBe(2);
      const last = r.stderr.trim().split('\n').pop()!;
      expect(last).toMatch(/^firedrill: primary: no answer within 20 s \(--timeout\) to: SELECT /);
      const result = JSON.parse(await readFile(join(reportsDir, runId, 'result.json'), 'utf8')) as {
        verdict: string;
        cause: { kind: string; message: string };
      };
      expect(result.verdict).toBe('error');
      expect(result.cause.kind).toBe('environment');
      // the frozen node is the deadline's, not the default half hour's: the drill ended within minutes of the freeze
      expect(elapsed).toBeLessThan(5 * 60_000);
      expect(await leftovers(runId)).toEqual([]);
    },
    15 * 60_000,
  );
});
