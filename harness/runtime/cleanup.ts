import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { reportsDir } from './paths.js';
import { inspect, listByLabel } from './docker.js';
import { judgeOwner, LABEL_BOOT, LABEL_LEASE, LABEL_PIDNS, LABEL_START, type Liveness, type OwnerToken } from './liveness.js';
import { LABEL_HOST, LABEL_PID, LABEL_RUN, removeRun, runsRoot } from './run-context.js';

export { removeRun };

interface RunOwner {
  token: Partial<OwnerToken>;
  lease?: string;
  temporaries: string[];
  hasObjects: boolean;
}

/** The lease decides when there is one: running = alive; exited or gone = dead. */
async function leaseState(container: string): Promise<Liveness> {
  const i = await inspect<{ State: { Running: boolean } }>('container', container).catch((e: Error) =>
    /No such/i.test(e.message) ? null : undefined,
  );
  if (i === undefined) return 'unknown';
  return i?.State.Running ? 'alive' : 'dead';
}

/** Only paths inside the reports folder or the runs folder are ever removed on an owner file's word. */
const removable = (p: string) => [resolve(reportsDir), resolve(runsRoot())].some((root) => resolve(p).startsWith(root + sep));

async function ownerFiles(): Promise<Map<string, { token: Partial<OwnerToken>; temporaries: string[] }>> {
  const out = new Map<string, { token: Partial<OwnerToken>; temporaries: string[] }>();
  let dirs: string[] = [];
  try {
    // Trust the folder only if it is ours and private (no other user can plant an owner file in it).
    const st = await lstat(runsRoot());
    if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) return out;
    dirs = await readdir(runsRoot());
  } catch {
    return out;
  }
  for (const d of dirs) {
    try {
      const o = JSON.parse(await readFile(join(runsRoot(), d, 'owner.json'), 'utf8')) as Partial<OwnerToken> & {
        runId?: string;
        temporaries?: string[];
      };
      out.set(d, { token: o, temporaries: (o.temporaries ?? []).filter((p) => typeof p === 'string' && removable(p)) });
    } catch {
      out.set(d, { token: {}, temporaries: [] });
    }
  }
  return out;
}

export interface CleanOutcome {
  runId: string;
  removed: string[];
  why: string;
}

/**
 * Finds runs whose owning process is gone and removes their containers, volumes, networks and temporary host
 * files. A run is dead when its lease container is no longer running, or (no lease) when its process, judged in
 * the same host, boot and PID namespace by pid and start time, is gone. A run whose owner cannot be judged from here
 * (another host or PID namespace, no lease) is left alone and listed; `all` removes every run.
 */
export async function cleanDeadRuns(
  opts: { all?: boolean } = {},
): Promise<CleanOutcome[] & { leftAlone?: Array<{ runId: string; why: string }> }> {
  const runs = new Map<string, RunOwner>();
  for (const kind of ['container', 'network', 'volume'] as const) {
    for (const name of await listByLabel(kind, LABEL_RUN)) {
      const obj = await inspect<{ Labels?: Record<string, string>; Config?: { Labels?: Record<string, string> } }>(kind, name).catch(
        () => undefined,
      );
      const labels = obj?.Config?.Labels ?? obj?.Labels ?? {};
      const runId = labels[LABEL_RUN];
      if (!runId) continue;
      const r = runs.get(runId) ?? { token: {}, temporaries: [], hasObjects: true };
      r.token = {
        host: labels[LABEL_HOST] ?? '',
        pid: Number(labels[LABEL_PID] ?? 0),
        pidns: labels[LABEL_PIDNS] ?? '',
        boot: labels[LABEL_BOOT] ?? '',
        start: labels[LABEL_START] ?? '',
      };
      r.lease ??= labels[LABEL_LEASE];
      runs.set(runId, r);
    }
  }
  for (const [runId, o] of await ownerFiles()) {
    const r = runs.get(runId);
    if (r) r.temporaries = o.temporaries;
    else runs.set(runId, { token: o.token, temporaries: o.temporaries, hasObjects: false });
  }
  const out: CleanOutcome[] & { leftAlone?: Array<{ runId: string; why: string }> } = [];
  out.leftAlone = [];
  for (const [runId, owner] of runs) {
    let state: Liveness;
    let why: string;
    if (opts.all) {
      state = 'dead';
      why = '--all';
    } else if (owner.lease) {
      state = await leaseState(owner.lease);
      why = `lease ${owner.lease} ${state === 'dead' ? 'ended' : state === 'alive' ? 'running' : 'unreadable'}`;
    } else {
      state = judgeOwner(owner.token);
      why = `process ${owner.token.pid} on ${owner.token.host || '?'}: ${state}`;
    }
    if (state !== 'dead') {
      out.leftAlone.push({ runId, why });
      continue;
    }
    const removed: string[] = [];
    if (owner.hasObjects) {
      const r = await removeRun(runId);
      removed.push(...r.containers, ...r.volumes, ...r.networks);
    }
    for (const p of owner.temporaries) {
      await rm(p, { recursive: true, force: true });
      removed.push(p);
    }
    const dir = join(runsRoot(), runId);
    await rm(dir, { recursive: true, force: true });
    out.push({ runId, removed, why });
  }
  return out;
}
