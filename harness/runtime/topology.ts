import { randomBytes } from 'node:crypto';
import { adapterFor, type ServerOptions } from './adapter.js';
import { FLAVORS, type FlavorId } from './flavors.js';
import { resolveImage } from './config.js';
import { engineVersion } from './docker.js';
import { startNetwork } from './network.js';
import { NodeDefinition, type Credentials, type Mount, type StartedNode, type TopologyContext } from './node.js';
import { attachReplica } from './replication.js';
import type { RunContext } from './run-context.js';

export interface ReplicaSpec { name: string; mounts?: readonly Mount[]; server?: Partial<ServerOptions> }

/** A primary and GTID replicas (read_only), each with its own server id. */
export interface PrimaryReplicasSpec { kind: 'primary-replicas'; replicas: readonly ReplicaSpec[]; primaryMounts?: readonly Mount[] }
export type TopologySpec = PrimaryReplicasSpec;

const secret = () => randomBytes(18).toString('base64url');

/** Prepares what every node of a run shares: engine check, image, network, credentials. */
export async function openTopologyContext(run: RunContext, flavorId: FlavorId, progress: (m: string) => void): Promise<TopologyContext> {
  await engineVersion();
  const flavor = FLAVORS[flavorId];
  const image = await resolveImage(flavor, progress);
  const network = await startNetwork(run);
  const creds: Credentials = { admin: 'firedrill', adminPassword: secret(), repl: 'repl', replPassword: secret() };
  return { run, network, adapter: adapterFor(flavor), image, creds, progress };
}

/** The running nodes of a topology, by name. New nodes (restored ones) can be added. */
export class Topology {
  private readonly nodes = new Map<string, StartedNode>();
  constructor(readonly ctx: TopologyContext, readonly spec: TopologySpec) {}

  add(node: StartedNode): void { this.nodes.set(node.name, node); }
  remove(name: string): void { this.nodes.delete(name); }
  get(name: string): StartedNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node '${name}' in this topology (have: ${[...this.nodes.keys()].join(', ')})`);
    return n;
  }
  get primary(): StartedNode { return this.get('primary'); }
  get replicas(): StartedNode[] { return this.spec.replicas.map((r) => this.nodes.get(r.name)).filter((n): n is StartedNode => !!n); }
  all(): StartedNode[] { return [...this.nodes.values()]; }
  nextServerId(): number { return Math.max(0, ...this.all().map((n) => n.serverId)) + 1; }
}

/** Starts the primary and every replica, and points each replica at the primary by GTID. */
export async function startPrimaryReplicas(ctx: TopologyContext, spec: PrimaryReplicasSpec): Promise<Topology> {
  const topo = new Topology(ctx, spec);
  const defs = [
    new NodeDefinition(ctx, { name: 'primary', server: { serverId: 1 }, mounts: spec.primaryMounts }),
    ...spec.replicas.map((r, i) => new NodeDefinition(ctx, { name: r.name, server: { ...r.server, serverId: i + 2, readOnly: true }, mounts: r.mounts })),
  ];
  ctx.progress(`starting ${defs.map((d) => d.spec.name).join(', ')} (${ctx.adapter.flavor.id}, image ${ctx.image})`);
  for (const n of await Promise.all(defs.map((d) => d.start()))) topo.add(n);
  for (const r of topo.replicas) await attachReplica(r, topo.primary, ctx.creds);
  return topo;
}
