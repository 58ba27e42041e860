import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who owns a run, precisely enough that a process with the same pid on the same-named host in another PID namespace
 * (a CI job container with host networking, two machines sharing one engine, a reboot) is never taken for it: host,
 * pid, the PID namespace, the boot, and the process's start time (clock ticks since boot, /proc/<pid>/stat field 22).
 */
export interface OwnerToken {
  host: string;
  pid: number;
  pidns: string;
  boot: string;
  start: string;
}

export const LABEL_PIDNS = 'firedrill.pidns';
export const LABEL_BOOT = 'firedrill.boot';
export const LABEL_START = 'firedrill.start';
/** The name of the run's lease container: running exactly as long as the run's process is alive. */
export const LABEL_LEASE = 'firedrill.lease';

const read = (f: string): string => {
  try {
    return readFileSync(f, 'utf8').trim();
  } catch {
    return '';
  }
};

/** The start time of a process (field 22 of /proc/<pid>/stat), or undefined if there is no such process here. */
export function processStart(pid: number): string | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[19]; // field 22 = index 19 after the 3rd field
}

export function selfToken(): OwnerToken {
  let pidns = '';
  try {
    pidns = readlinkSync('/proc/self/ns/pid');
  } catch {
    /* not Linux */
  }
  return {
    host: hostname(),
    pid: process.pid,
    pidns,
    boot: read('/proc/sys/kernel/random/boot_id'),
    start: processStart(process.pid) ?? '',
  };
}

export type Liveness = 'alive' | 'dead' | 'unknown';

/**
 * Judges an owner from here. Only a process this one can see for sure (same host, boot and PID namespace) is judged
 * by its pid and start time (a reused pid has another start time: dead); anything else is "unknown" (the lease
 * decides, or it is left alone). Tokens of older runs (no namespace recorded) fall back to host + pid.
 */
export function judgeOwner(
  t: Partial<OwnerToken>,
  here: OwnerToken = selfToken(),
  startOf: (pid: number) => string | undefined = processStart,
): Liveness {
  if (!t.host || t.host !== here.host) return 'unknown';
  if (!t.pid || t.pid <= 0) return 'dead';
  if (t.pidns === undefined || t.pidns === '') {
    return startOf(t.pid) === undefined ? 'dead' : 'alive'; // legacy labels: host + pid only
  }
  if (t.pidns !== here.pidns || (t.boot && here.boot && t.boot !== here.boot)) return 'unknown';
  const start = startOf(t.pid);
  if (start === undefined) return 'dead';
  return t.start && start !== t.start ? 'dead' : 'alive';
}

/**
 * A lease: a tiny container whose only process (`cat`) reads the stdin of the `docker run -i` client this process
 * holds open. When this process dies, even by SIGKILL, the pipe closes, `cat` ends and the container exits; so
 * "lease container running" means "the run's process is alive", wherever that process lives. The client is not
 * a child that run() would time out: it lives as long as the run.
 */
export class Lease {
  private constructor(
    readonly container: string,
    private readonly child: ChildProcess,
  ) {}

  static async hold(container: string, image: string, labels: readonly string[], timeoutMs = 60_000): Promise<Lease> {
    const child = spawn('docker', ['run', '-i', '--name', container, ...labels, '--network', 'none', '--entrypoint', 'cat', image], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    child.stdin!.on('error', () => {
      /* the container is gone */
    });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => {
      err = (err + b.toString()).slice(-2000);
    });
    const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    const deadline = Date.now() + timeoutMs;
    // Running once `docker inspect` says so; a client that exits first failed.
    for (;;) {
      const state = await new Promise<string>((res) => {
        const p = spawn('docker', ['inspect', '-f', '{{.State.Status}}', container], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        p.stdout.on('data', (b: Buffer) => {
          out += b.toString();
        });
        p.on('close', () => res(out.trim()));
        p.on('error', () => res(''));
      });
      if (state === 'running') return new Lease(container, child);
      const code = await Promise.race([exited, new Promise<'wait'>((r) => setTimeout(() => r('wait'), 100))]);
      if (code !== 'wait') throw new Error(`the run's lease container ${container} did not start (exit ${code}): ${err.trim()}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the run's lease container ${container} was not running after ${timeoutMs} ms (state '${state}')`);
      }
    }
  }

  /** Ends the lease (the container is removed by the caller, after everything else). */
  release(): void {
    this.child.stdin?.destroy(); // EOF for `cat`: the container stops (if the sweep has not removed it already)
    this.child.stderr?.destroy();
    this.child.unref();
    if (this.child.exitCode === null) setTimeout(() => this.child.kill('SIGKILL'), 5000).unref();
  }
}
