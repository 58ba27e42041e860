// A node's own packet filter (iptables in its network namespace), set from a throw-away container of the run's image
// that shares that namespace with NET_ADMIN: the server's container itself never gets the capability, and nothing
// runs on the host (the same works against a remote or in-container engine). Only DROP: no latency or loss (no netem).
import { isIP } from 'node:net';
import type { StartedNode } from './node.js';
import { oneShot } from './oneshot.js';

const RULES_DIR = '/tmp/firedrill-filter';
const FILTER_TIMEOUT_MS = 60_000;

/** A peer the node stops hearing from and talking to. */
export interface Peer {
  name: string;
  address: string;
}

/** iptables-restore input that drops every packet from and to each peer's address (the node's filter table whole). */
export function dropPeersRules(peers: readonly Peer[]): string {
  const lines = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'];
  for (const p of peers) {
    if (isIP(p.address) !== 4) throw new Error(`${p.name}: '${p.address}' is not an IPv4 address; cannot drop its packets`);
    lines.push(`-A INPUT -s ${p.address}/32 -j DROP`, `-A OUTPUT -d ${p.address}/32 -j DROP`);
  }
  return [...lines, 'COMMIT', ''].join('\n');
}

async function restore(node: StartedNode, what: string, rules: string): Promise<void> {
  await oneShot(node.context, {
    name: `${node.name}-filter-${what}`,
    argv: ['iptables-restore', `${RULES_DIR}/rules`],
    files: [{ dir: RULES_DIR, files: [{ name: 'rules', content: rules }], newFolderMode: 0o755 }],
    netnsOf: { container: node.container.name, capAdd: ['NET_ADMIN'] },
    timeoutMs: FILTER_TIMEOUT_MS,
  });
}

/**
 * The node drops every packet from and to its peers' addresses; whoever else reaches it (the host: firedrill's
 * clients) still does. Replaces whatever filter the node had (firedrill's own: a server container has none).
 */
export async function dropPeers(node: StartedNode, peers: readonly Peer[]): Promise<void> {
  await restore(node, 'drop', dropPeersRules(peers));
}

/** Empties the node's filter table: it hears from everyone again. */
export async function clearPacketFilter(node: StartedNode): Promise<void> {
  await restore(node, 'clear', dropPeersRules([]));
}
