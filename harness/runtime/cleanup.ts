import { hostname } from 'node:os';
import { docker, inspect, listByLabel } from './docker.js';
import { LABEL_HOST, LABEL_PID, LABEL_RUN } from './run-context.js';

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Removes every container, volume and network of the given run (only objects labelled with its id). */
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

/**
 * Finds runs whose owning process is gone (same host, pid no longer alive) and removes their objects.
 * Runs of live processes and of other hosts are left alone unless `all` is set.
 */
export async function cleanDeadRuns(opts: { all?: boolean } = {}): Promise<Array<{ runId: string; removed: string[] }>> {
  const runs = new Map<string, { pid: number; host: string }>();
  for (const kind of ['container', 'network', 'volume'] as const) {
    for (const name of await listByLabel(kind, LABEL_RUN)) {
      const obj = await inspect<{ Labels?: Record<string, string>; Config?: { Labels?: Record<string, string> } }>(kind, name)
        .catch(() => undefined);
      const labels = obj?.Config?.Labels ?? obj?.Labels ?? {};
      const runId = labels[LABEL_RUN];
      if (runId) runs.set(runId, { pid: Number(labels[LABEL_PID] ?? 0), host: labels[LABEL_HOST] ?? '' });
    }
  }
  const out: Array<{ runId: string; removed: string[] }> = [];
  for (const [runId, owner] of runs) {
    const dead = opts.all || (owner.host === hostname() && !(owner.pid > 0 && alive(owner.pid)));
    if (!dead) continue;
    const r = await removeRun(runId);
    out.push({ runId, removed: [...r.containers, ...r.volumes, ...r.networks] });
  }
  return out;
}
