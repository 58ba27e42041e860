import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export const LABEL_RUN = 'firedrill.run';
export const LABEL_PID = 'firedrill.pid';
export const LABEL_HOST = 'firedrill.host';

export interface TeardownStep { what: string; fn: () => Promise<void> }

/**
 * One run's identity and its teardown list. Everything a run creates carries its labels; teardown undoes it all in
 * reverse order, runs every step even when some fail, and reports the failures.
 */
export class RunContext implements AsyncDisposable {
  readonly runId: string;
  readonly labels: Readonly<Record<string, string>>;
  private steps: TeardownStep[] = [];
  private tornDown = false;

  constructor(runId = newRunId()) {
    this.runId = runId;
    this.labels = { [LABEL_RUN]: runId, [LABEL_PID]: String(process.pid), [LABEL_HOST]: hostname() };
  }

  /** `--label k=v` pairs for docker create/run/network create/volume create. */
  labelArgs(): string[] {
    return Object.entries(this.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  }

  /** Name for a docker object of this run: fd-<run>-<suffix>. */
  name(suffix: string): string { return `fd-${this.runId}-${suffix}`; }

  onTeardown(what: string, fn: () => Promise<void>): void { this.steps.push({ what, fn }); }

  /** Undoes every registered step, newest first. Returns what failed; never throws. */
  async teardown(): Promise<string[]> {
    if (this.tornDown) return [];
    this.tornDown = true;
    const failures: string[] = [];
    for (const step of this.steps.reverse()) {
      try { await step.fn(); } catch (e) {
        if (e instanceof Error && /No such (container|volume|network)|not found/i.test(e.message)) continue; // already gone
        failures.push(`${step.what}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
    this.steps = [];
    return failures;
  }

  async [Symbol.asyncDispose](): Promise<void> { await this.teardown(); }
}

export function newRunId(): string {
  const d = new Date();
  const stamp = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`
    + `${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}${String(d.getUTCSeconds()).padStart(2, '0')}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
