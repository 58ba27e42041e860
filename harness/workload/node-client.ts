/** Feeding SQL to a node's own client: the stream target of every dataset load. */
import { ExecError, spawnPiped, type PipedProcess } from '../exec/index.js';
import type { StartedNode } from '../runtime/node.js';

/** The node's own client, reading SQL from stdin (docker exec -i; argv only). */
export function clientOf(node: StartedNode): PipedProcess {
  return spawnPiped(['docker', 'exec', '-i', node.container.name, ...node.adapter.client, '--max-allowed-packet=1G']);
}

/** The client's first ERROR line: what a refused dump gets reported with. */
export const firstError = (e: unknown) => {
  const text = e instanceof ExecError ? e.stderrTail : String(e);
  return (/^ERROR .*$/m.exec(text)?.[0] ?? text.trim().split('\n').pop() ?? '').slice(0, 300);
};

export const mb = (n: number) => (n / 1048576).toFixed(1);
