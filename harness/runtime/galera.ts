import { waitUntil } from '../exec/index.js';
import { galeraSql } from '../sql/index.js';
import type { StartedNode } from './node.js';

export interface GaleraState {
  clusterStatus: string; // Primary | non-Primary | Disconnected
  localState: string; // Synced | Donor/Desynced | Joining | ...
  clusterSize: number;
  lastCommitted: number;
  /** The cluster state's uuid: with lastCommitted, the Galera position (uuid:seqno). */
  stateUuid: string;
  ready: string;
  /** Writesets this member replicated to the cluster (its own transactions) since it started. */
  replicated: number;
}

function toState(rows: Array<Record<string, unknown>>): GaleraState {
  const m = new Map(rows.map((r) => [String(r['Variable_name']), String(r['Value'] ?? '')]));
  return {
    clusterStatus: m.get('wsrep_cluster_status') ?? '',
    localState: m.get('wsrep_local_state_comment') ?? '',
    clusterSize: Number(m.get('wsrep_cluster_size') ?? 0),
    lastCommitted: Number(m.get('wsrep_last_committed') ?? -1),
    ready: m.get('wsrep_ready') ?? '',
    stateUuid: m.get('wsrep_local_state_uuid') ?? '',
    replicated: Number(m.get('wsrep_replicated') ?? 0),
  };
}

/** Galera state over the network, or over the local socket (works while the node is cut off). */
export async function galeraState(node: StartedNode, via: 'network' | 'local' = 'network'): Promise<GaleraState> {
  const rows = via === 'local' ? await node.localQuery(galeraSql.wsrepStatus()) : await node.query(galeraSql.wsrepStatus());
  return toState(rows);
}

/** Polls until the node's Galera state satisfies `accept`; the timeout names the wait and the last state seen. */
export function waitGalera(
  node: StartedNode,
  what: string,
  accept: (s: GaleraState) => boolean,
  opts: { timeoutS?: number; via?: 'network' | 'local' } = {},
): Promise<GaleraState> {
  return waitUntil(() => galeraState(node, opts.via), accept, {
    what: `${node.name} ${what}`,
    timeoutMs: (opts.timeoutS ?? 120) * 1000,
    intervalMs: 250,
  });
}

export const isSynced = (s: GaleraState) => s.clusterStatus === 'Primary' && s.localState === 'Synced';
