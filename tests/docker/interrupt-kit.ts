import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli, danglingVolumes, leftovers } from './helpers.js';

const root = resolve(import.meta.dirname, '..', '..');

/** How a run is interrupted: one signal, a second signal during teardown, or SIGKILL followed by `firedrill clean`. */
export type How = 'SIGINT' | 'SIGTERM' | 'second-signal' | 'SIGKILL+clean';
export interface Point {
  scenario: string;
  flavor: string;
  phase: string;
  afterMs: number;
  how: How;
}
export interface Outcome {
  point: Point;
  runId: string;
  interrupted: boolean;
  code: number | null;
  verdict?: string;
  /** The report was the final one, written after the teardown (a SIGKILL after it interrupted nothing the report tells). */
  final: boolean;
  junit: boolean;
  objects: string[];
  danglingVolumes: string[];
  tempFiles: string[];
  stderrTail: string;
}

/** The seeded generator that draws the interruption points (the same seed, the same points). */
export { seeded } from '../../harness/core/index.js';
export const seedFromEnv = () => Number(process.env['FIREDRILL_INTERRUPT_SEED'] ?? Date.now() % 1_000_000_007);

const reportsDir = process.env['FIREDRILL_REPORTS_DIR'] ?? resolve(root, 'reports');

/** Every file and folder under dir (a private TMPDIR: other runs on the machine cannot blur what this one left). */
async function entries(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  // tsx-<uid>: the TypeScript loader's own cache (bin/firedrill.mjs runs through tsx), not the harness's files.
  return all
    .map(String)
    .filter((n) => n !== 'firedrill-runs' && !/^tsx-\d+(\/|$)/.test(n))
    .map((n) => join(dir, n));
}

/**
 * Runs a real drill and interrupts it `afterMs` after the phase starts (the "phase X" progress line; 'start' is the
 * run's first line), then looks for everything it could have left: objects labelled with its run id, new dangling
 * (anonymous) volumes, its runs folder, its temporary store, temporary files in the host's temp folder.
 */
export async function interruptAt(point: Point): Promise<Outcome> {
  const danglingBefore = new Set(await danglingVolumes());
  // The run gets its own TMPDIR: every temporary file it makes lands there (its runs folder too), so what is left
  // there afterwards is exactly what it left.
  const tmp = await mkdtemp(join(tmpdir(), 'fd-interrupt-'));
  const env = { ...process.env, TMPDIR: tmp };
  let runId = '';
  let sent = false;
  const marker = point.phase === 'start' ? /run \d{14}-[0-9a-f]{6}: / : new RegExp(`phase ${point.phase}\\n`);
  const r = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((res, rej) => {
    const child = spawn(
      process.execPath,
      [resolve(root, 'bin/firedrill.mjs'), 'run', point.scenario, '--flavor', point.flavor, '--param', 'bulkMb=1'],
      { cwd: root, env },
    );
    let stderr = '';
    let teardownSeen = false;
    child.stdout.resume();
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      runId ||= /run (\d{14}-[0-9a-f]{6})/.exec(stderr)?.[1] ?? '';
      if (!sent && marker.test(stderr)) {
        sent = true;
        setTimeout(() => {
          if (child.exitCode !== null) {
            sent = false;
            return;
          } // the drill ended first: not an interruption
          child.kill(point.how === 'SIGTERM' ? 'SIGTERM' : point.how === 'SIGKILL+clean' ? 'SIGKILL' : 'SIGINT');
        }, point.afterMs);
      }
      if (point.how === 'second-signal' && sent && !teardownSeen && /tearing down/.test(stderr)) {
        teardownSeen = true;
        setTimeout(() => child.kill('SIGTERM'), 50); // the second signal lands in the middle of teardown
      }
    });
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, stderr }));
  });
  if (point.how === 'SIGKILL+clean' && sent) {
    const c = await cli(['clean'], { env: { TMPDIR: tmp } });
    if (c.code !== 0) throw new Error(`firedrill clean exited ${c.code}: ${c.stderr}`);
  }
  const objects = runId ? await leftovers(runId) : ['(no run id seen)'];
  // Anonymous volumes (64 hex digits) carry no run label: a new dangling one is a leak. Named ones carry the label
  // and are counted by `leftovers` (a dangling named volume of another run on this engine is not ours).
  const dangling = (await danglingVolumes()).filter((v) => !danglingBefore.has(v) && /^[0-9a-f]{64}$/.test(v));
  const tempFiles = await entries(tmp);
  await rm(tmp, { recursive: true, force: true });
  if (runId && existsSync(join(reportsDir, runId, 'store'))) tempFiles.push(join(reportsDir, runId, 'store'));
  let verdict: string | undefined;
  let final = false;
  try {
    const doc = JSON.parse(await readFile(join(reportsDir, runId, 'result.json'), 'utf8')) as { verdict: string; tornDown?: boolean };
    verdict = doc.verdict;
    final = doc.tornDown === true; // written by the run itself after its teardown
  } catch {
    /* none */
  }
  return {
    point,
    runId,
    // A signal that reached a process already on its way out (its drill done, its report written: it exits with the
    // drill's own code) interrupted nothing; a run was interrupted when the signal killed it or the run said so.
    interrupted: sent && (r.signal !== null || /(SIGINT|SIGTERM): interrupting run /.test(r.stderr)),
    code: r.code,
    verdict,
    final,
    junit: existsSync(join(reportsDir, runId, 'junit.xml')),
    objects,
    danglingVolumes: dangling,
    tempFiles,
    stderrTail: r.stderr.split('\n').slice(-12).join('\n'),
  };
}

/**
 * What a user expects of an interrupted run: the exit code of the signal, the report written (after SIGKILL, by
 * `firedrill clean`: the run was announced only once opened, so clean can judge it dead), nothing left.
 */
export function expected(o: Outcome): { code: number | null; verdict: string | undefined; leftovers: string[] } {
  const code = !o.interrupted ? o.code : o.point.how === 'SIGTERM' ? 143 : o.point.how === 'SIGKILL+clean' ? null : 130;
  // SIGKILL in the last instant, after the final report was written: the report stands as the run wrote it.
  const lateKill = o.interrupted && o.point.how === 'SIGKILL+clean' && o.final;
  return { code, verdict: !o.interrupted || lateKill ? o.verdict : 'interrupted', leftovers: [] };
}

/**
 * Draws `n` interruption points: every phase in turn, each round of phases with the next way to interrupt (so every
 * phase meets several ways), at a random delay into the phase.
 */
export function drawPoints(
  rand: () => number,
  n: number,
  scenario: string,
  flavor: string,
  phases: readonly string[],
  hows: readonly How[],
  maxDelayMs: number,
): Point[] {
  const offset = Math.floor(rand() * hows.length);
  return Array.from({ length: n }, (_, i) => ({
    scenario,
    flavor,
    phase: phases[i % phases.length]!,
    how: hows[(Math.floor(i / phases.length) + i + offset) % hows.length]!,
    afterMs: Math.floor(rand() * maxDelayMs),
  }));
}
