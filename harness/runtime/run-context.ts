import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandsSettled, InterruptedError, outsideCancelScope } from '../exec/index.js';
import { docker, listByLabel } from './docker.js';
import { Lease, LABEL_BOOT, LABEL_LEASE, LABEL_PIDNS, LABEL_START, selfToken } from './liveness.js';

export const LABEL_RUN = 'firedrill.run';
export const LABEL_PID = 'firedrill.pid';
export const LABEL_HOST = 'firedrill.host';

/**
 * Where runs keep what must not outlive them on the host: `<root>/<run-id>/owner.json` (who owns the run, which
 * host paths are temporary) and `<root>/<run-id>/tmp` (private temporary files). Teardown removes the run's folder;
 * `firedrill clean` removes those of dead runs.
 */
export const runsRoot = (): string => process.env['FIREDRILL_RUNS_DIR'] ?? join(tmpdir(), 'firedrill-runs');

export interface TeardownStep {
  what: string;
  fn: () => Promise<void>;
}

/** Removes every container (with its anonymous volumes, also created-but-never-started ones), volume and network of a run. */
export async function removeRun(runId: string): Promise<{ containers: string[]; volumes: string[]; networks: string[] }> {
  const label = `${LABEL_RUN}=${runId}`;
  const containers = await listByLabel('container', label);
  if (containers.length) await docker(['rm', '-f', '-v', ...containers]);
  const volumes = await listByLabel('volume', label);
  if (volumes.length) await docker(['volume', 'rm', '-f', ...volumes]);
  const networks = await listByLabel('network', label);
  for (const n of networks) await docker(['network', 'rm', n]);
  return { containers, volumes, networks };
}

/** The default deadline of a drill's own query (see RunContext.queryTimeoutMs). */
const DRILL_QUERY_TIMEOUT_MS = 30 * 60_000;

/**
 * One run's identity and its teardown list. Everything a run creates carries its labels; teardown undoes it all in
 * reverse order, runs every step even when some fail, then sweeps whatever still carries the run's label, and
 * reports the failures. Teardown runs to its end once started: steps registered meanwhile (an object created by a
 * command that was already under way when the run was interrupted) are run too.
 */
export class RunContext implements AsyncDisposable {
  readonly runId: string;
  readonly labels: Readonly<Record<string, string>>;
  private steps: TeardownStep[] = [];
  private teardownRun: Promise<string[]> | undefined;
  private readonly controller = new AbortController();
  private lease: Lease | undefined;
  private readonly temporaries: string[] = [];
  /** The signal that interrupted the run, if one did. */
  interruptedBy: NodeJS.Signals | undefined;
  /** Where the nodes' logs are saved before their containers go (`reports/<run-id>/nodes`); unset: not kept. */
  nodeLogsDir: string | undefined;
  /**
   * The deadline of each of the run's own queries that names none (`run`/`suite --timeout`, default 30 minutes: long
   * statements such as CLONE or CHECKSUM TABLE of a big table fit): a server that does not answer for this long ends
   * the drill with exit 2, naming the statement and the node.
   */
  queryTimeoutMs = DRILL_QUERY_TIMEOUT_MS;

  constructor(runId = newRunId()) {
    this.runId = runId;
    const t = selfToken();
    this.labels = {
      [LABEL_RUN]: runId,
      [LABEL_PID]: String(t.pid),
      [LABEL_HOST]: t.host,
      [LABEL_PIDNS]: t.pidns,
      [LABEL_BOOT]: t.boot,
      [LABEL_START]: t.start,
    };
  }

  /** Aborted when the run is interrupted: commands in its cancel scope are killed, waits end. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get dir(): string {
    return join(runsRoot(), this.runId);
  }

  /**
   * Makes the run visible to `firedrill clean` before it creates anything: the owner file (with the host paths that
   * are temporary) and, given an image, the lease container that runs exactly as long as this process.
   */
  open(opts: { leaseImage?: string } = {}): Promise<void> {
    // Teardown waits for an open under way (a signal may come while the lease starts): nothing it makes is missed.
    this.opening = (async () => {
      // Interrupted before it opened (teardown may be over already): create nothing.
      if (this.interruptedBy || this.teardownRun) throw new InterruptedError(this.interruptedBy ?? 'SIGTERM');
      await mkdir(join(this.dir, 'tmp'), { recursive: true, mode: 0o700 });
      this.writeOwner();
      if (opts.leaseImage) {
        const name = this.name('lease');
        this.lease = await Lease.hold(name, opts.leaseImage, this.labelArgs());
        (this.labels as Record<string, string>)[LABEL_LEASE] = name;
      }
      if (this.interruptedBy) throw new InterruptedError(this.interruptedBy);
    })();
    return this.opening;
  }
  private opening: Promise<void> | undefined;
  private closing = false;

  private writeOwner(): void {
    if (this.closing) return; // teardown has begun: its folder is about to go, never to be made again
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(
        join(this.dir, 'owner.json'),
        JSON.stringify({ runId: this.runId, ...selfToken(), temporaries: this.temporaries }) + '\n',
        { mode: 0o600 },
      );
    } catch {
      /* best effort: clean then only sees the docker objects */
    }
  }

  /** A private folder (0700) for this run's temporary files on the host; removed at teardown and by clean. */
  async tempDir(): Promise<string> {
    const d = join(this.dir, 'tmp');
    await mkdir(d, { recursive: true, mode: 0o700 });
    return d;
  }

  /** Marks a host path as temporary: removed at teardown, and by `firedrill clean` if this process dies first. */
  temporary(path: string, what = `remove ${path}`): void {
    this.temporaries.push(path);
    this.writeOwner();
    this.onTeardown(what, () => rm(path, { recursive: true, force: true }));
  }

  /** `--label k=v` pairs for docker create/run/network create/volume create. */
  labelArgs(): string[] {
    return Object.entries(this.labels)
      .filter(([, v]) => v !== '')
      .flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  }

  /**
   * The one way a run creates a docker volume: named fd-<run>-<suffix>, labelled with the run, removed at teardown.
   * `options`: more `docker volume create` options (a driver and its options). Returns the volume's name.
   */
  async volume(suffix: string, options: readonly string[] = []): Promise<string> {
    const v = this.name(suffix);
    await docker(['volume', 'create', ...this.labelArgs(), ...options, v]);
    this.onTeardown(`remove volume ${v}`, async () => {
      await docker(['volume', 'rm', '-f', v]);
    });
    return v;
  }

  /** Name for a docker object of this run: fd-<run>-<suffix>. */
  name(suffix: string): string {
    return `fd-${this.runId}-${suffix}`;
  }

  /** Registers an undo step. After teardown has finished, the step runs at once (an object created too late). */
  onTeardown(what: string, fn: () => Promise<void>): void {
    if (this.finished) {
      void outsideCancelScope(() => fn()).catch(() => undefined);
      return;
    }
    this.steps.push({ what, fn });
  }
  private finished = false;

  /** Interrupts the run: its cancel scope aborts (commands killed, no new ones start). Teardown is separate. */
  interrupt(sig: NodeJS.Signals): void {
    if (this.interruptedBy) return;
    this.interruptedBy = sig;
    this.controller.abort(new InterruptedError(sig));
  }

  /**
   * Undoes every registered step, newest first, then waits for every command still under way to end, sweeps every
   * object that still carries the run's label and removes the run's host folder. Returns what failed; never throws;
   * calling it again returns the same teardown.
   */
  teardown(): Promise<string[]> {
    this.teardownRun ??= outsideCancelScope(() => this.doTeardown());
    return this.teardownRun;
  }

  private async doTeardown(): Promise<string[]> {
    await this.opening?.catch(() => undefined);
    this.closing = true;
    const failures: string[] = [];
    const failed: TeardownStep[] = [];
    const attempt = async (what: string, fn: () => Promise<unknown>, retry?: TeardownStep) => {
      try {
        await fn();
      } catch (e) {
        if (e instanceof Error && /No such (container|volume|network)|not found/i.test(e.message)) return; // already gone
        if (retry) {
          failed.push(retry);
          return;
        }
        failures.push(`${what}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    };
    const drain = async () => {
      while (this.steps.length) {
        const step = this.steps.pop()!;
        await attempt(step.what, step.fn, step);
      }
    };
    await drain();
    // A command already running when the run was interrupted may still create an object: wait until none runs.
    const still = await commandsSettled(60_000);
    if (still > 0) failures.push(`${still} command(s) still running 60 s after teardown began`);
    await drain();
    await attempt(`remove every object labelled ${LABEL_RUN}=${this.runId}`, () => removeRun(this.runId));
    await drain();
    // A step that failed because of an object nobody had registered yet (a volume still used by a container whose
    // `docker run` was under way) succeeds once the sweep removed that object: only what fails again is reported.
    for (const step of failed.splice(0)) await attempt(step.what, step.fn);
    this.lease?.release();
    for (const p of this.temporaries) await attempt(`remove ${p}`, () => rm(p, { recursive: true, force: true }));
    await attempt(`remove ${this.dir}`, () => rm(this.dir, { recursive: true, force: true }));
    this.finished = true;
    await drain();
    return failures;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.teardown();
  }
}

export function newRunId(): string {
  const d = new Date();
  const stamp =
    `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}` +
    `${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}${String(d.getUTCSeconds()).padStart(2, '0')}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
