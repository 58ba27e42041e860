import type { FlavorId } from '../../harness/core/index.js';
import { NodeDefinition, openTopologyContext, RunContext, type StartedNode, type TopologyContext } from '../../harness/runtime/index.js';
import { loadSakila, WriteWorkload } from '../../harness/workload/index.js';
import { quiet } from './helpers.js';

/** Standalone servers (no replication) with Sakila loaded, in their own labelled run. */
export async function standaloneServers(
  n: number,
  flavorId: FlavorId = 'mariadb-10.11',
): Promise<{ run: RunContext; ctx: TopologyContext; nodes: StartedNode[] }> {
  const run = new RunContext();
  try {
    const ctx = await openTopologyContext(run, flavorId, quiet);
    const nodes = await Promise.all(
      Array.from({ length: n }, (_, i) => new NodeDefinition(ctx, { name: `server-${i + 1}`, server: { serverId: i + 1 } }).start()),
    );
    await Promise.all(
      nodes.map(async (node) => {
        await loadSakila(node);
        await WriteWorkload.prepare(node);
      }),
    );
    return { run, ctx, nodes };
  } catch (e) {
    await run.teardown();
    throw e;
  }
}
