import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../harness/runtime/index.js';
import { SUITES } from '../harness/scenario/index.js';

export interface SuiteTimes {
  suite: string;
  size: string;
  drills: string[];
  runs: Array<{ parallel: number; wallMs: number; exitCode: number | null; verdicts: string[] }>;
}

/**
 * The wall time of a suite run by the CLI as a user runs it (`firedrill suite default --parallel N --json`), at
 * N = 1 and N = 2, one after the other on the same engine.
 */
export async function suiteTimes(progress: (m: string) => void, suite = 'default'): Promise<SuiteTimes> {
  const drills = (SUITES[suite]?.drills ?? []).map((d) => `${d.scenario} ${d.flavor ?? ''}`);
  const runs: SuiteTimes['runs'] = [];
  for (const parallel of [1, 2]) {
    progress(`suite ${suite} --parallel ${parallel} (${drills.join(', ')})`);
    const t0 = performance.now();
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [join(projectRoot, 'bin', 'firedrill.mjs'), 'suite', suite, '--parallel', String(parallel), '--json'],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString('utf8');
      });
      const stop = () => child.kill('SIGINT');
      process.once('SIGINT', stop);
      child.on('close', (c) => {
        process.off('SIGINT', stop);
        resolve({ code: c, stdout: out });
      });
    });
    const wallMs = Math.round(performance.now() - t0);
    let verdicts: string[] = [];
    try {
      verdicts = (JSON.parse(stdout) as Array<{ verdict: string }>).map((r) => r.verdict);
    } catch {
      /* no JSON: the exit code says why */
    }
    runs.push({ parallel, wallMs, exitCode: code, verdicts });
    progress(`suite ${suite} --parallel ${parallel}: ${wallMs} ms, exit ${code}`);
  }
  return { suite, size: `suite ${suite}`, drills, runs };
}
