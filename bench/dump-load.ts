// The path a user takes with `--dataset dump.sql` (and .zst): firedrill reads the dump once to plan the drill (what it
// creates, clashes), then streams it through its filter into the server's client; timed against the client reading
// the same file (`mariadb < dump.sql` / `mysql < dump.sql`, through docker exec as firedrill's own load goes), each
// into a fresh server of the same image (its start is not timed).
import { rm, stat } from 'node:fs/promises';
import { run as exec } from '../harness/exec/index.js';
import { NodeDefinition, type StartedNode, type TopologyContext } from '../harness/runtime/index.js';
import { loadDataset, planDataset } from '../harness/workload/index.js';
import { measureAgainst, measurePair, timed } from './pair.js';
import { targetOf } from './targets.js';
import type { Pair } from './types.js';

/** The client reading the (zstd-compressed) file on its stdin inside the node's container, as a shell user types it: argv only, no password. */
function clientLoad(node: StartedNode, file: string, zst: boolean): Promise<unknown> {
  const script = zst ? 'zstd -q -dc -- "$f" | docker exec -i "$c" "$@"' : 'docker exec -i "$c" "$@" < "$f"';
  return exec(
    ['bash', '-o', 'pipefail', '-c', `f=$1; c=$2; shift 2; ${script}`, 'bash', file, node.container.name, ...node.adapter.client],
    {
      timeoutMs: 3_600_000,
    },
  );
}

/**
 * The pair for one dump file: each side into a fresh server, `n` times (a miss is measured once more). The note says
 * how long firedrill's planning read took and the load's own time. `keep` receives the last baseline server (loaded
 * with the dump's data) instead of its removal.
 */
export async function dumpLoadPair(
  tctx: TopologyContext,
  file: string,
  n: number,
  progress: (m: string) => void,
  keep?: (node: StartedNode) => void,
): Promise<Pair> {
  const zst = file.endsWith('.zst');
  const key = zst ? 'dumpLoadZst' : 'dumpLoad';
  let node: StartedNode | undefined;
  let made = 0;
  const planMs: number[] = [];
  const loadMs: number[] = [];
  let total = 0;
  const p = await measureAgainst(
    targetOf(key)!,
    (first) => {
      total = first + n;
      return measurePairOn(first);
    },
    progress,
  );
  function measurePairOn(first: number): Promise<Pair> {
    return measurePair(
      {
        harness: async () => {
          const plan = await timed(() => planDataset({ kind: 'dump', path: file }));
          planMs.push(Math.round(plan.ms));
          const load = await timed(() => loadDataset(node!, plan.value));
          loadMs.push(Math.round(load.ms));
        },
        baseline: () => clientLoad(node!, file, zst),
        before: async (which) => {
          node = await new NodeDefinition(tctx, {
            name: `bench-${zst ? 'zst-' : ''}${which}-${made}`,
            server: { serverId: 400 + made++ },
          }).start();
        },
        after: async (which, i) => {
          if (keep && which === 'baseline' && i === total - 1) keep(node!);
          else await node?.destroy();
          node = undefined;
        },
      },
      n,
      { first, progress, name: `${zst ? 'dump.sql.zst' : 'dump.sql'} load vs the client` },
    );
  }
  const bytes = (await stat(file)).size;
  p.note = `${(bytes / 1048576).toFixed(0)} MiB file; firedrill's plan read ${planMs.join('/')} ms, its load ${loadMs.join('/')} ms${p.rerun ? ' (missed once: measured again)' : ''}`;
  return p;
}

/** Compresses the dump with zstd beside it (default level, all cores), as a user's nightly dump job would. */
export async function zstdOf(file: string): Promise<string> {
  const out = `${file}.zst`;
  await rm(out, { force: true });
  await exec(['zstd', '-q', '-T0', '-o', out, '--', file], { timeoutMs: 3_600_000 });
  return out;
}
