import { randomBytes } from 'node:crypto';
import { adapterFor, type ServerOptions } from './adapter.js';
import { FLAVORS, UsageError, type FlavorId } from '../core/index.js';
import { isSynced, waitGalera } from './galera.js';
import { formGroup } from './group-replication.js';
import { ownNames, resolveImage } from './config.js';
import { engineVersion } from './docker.js';
import { startNetwork } from './network.js';
import type { RemovedState } from './container.js';
import { NodeDefinition, type Mount, type NodeSpec, type StartedNode } from './node.js';
import type { Credentials, TopologyContext } from './context.js';
import { attachReplica } from './replication.js';
import type { RunContext } from './run-context.js';

export interface ReplicaSpec {
  name: string;
  mounts?: readonly Mount[];
  server?: Partial<ServerOptions>;
}
/** A primary: its name, the database its write workload's ledger lives in, its GTID domain (MariaDB). */
export interface SourceSpec {
  name: string;
  ledgerDb: string;
  gtidDomainId?: number;
}

/** A primary and GTID replicas (read_only), each with its own server id. */
export interface PrimaryReplicasSpec {
  kind: 'primary-replicas';
  replicas: readonly ReplicaSpec[];
  primaryMounts?: readonly Mount[];
}
/** Several primaries fanned into every replica: one named connection (MariaDB) or channel (MySQL) per primary. */
export interface MultiSourceSpec {
  kind: 'multi-source';
  sources: readonly SourceSpec[];
  replicas: readonly ReplicaSpec[];
}
/** A Galera cluster; the write workload goes to `writeNode`. */
export interface GaleraSpec {
  kind: 'galera';
  members: readonly string[];
  writeNode: string;
  sst: 'rsync' | 'mariabackup';
}
/** A MySQL Group Replication group in single-primary mode; the group elects its primary (the first member bootstraps it). */
export interface GroupReplicationSpec {
  kind: 'group-replication';
  members: readonly string[];
}
export type TopologySpec = PrimaryReplicasSpec | MultiSourceSpec | GaleraSpec | GroupReplicationSpec;

/** Where a replica replicates from: the source node and the channel (connection name) it uses. */
export interface SourceLink {
  source: StartedNode;
  channel?: string;
  ledgerDb: string;
}

const secret = () => randomBytes(18).toString('base64url');

/**
 * Prepares what every node of a run shares: image, network, credentials. Given the image (a drill's plan has
 * checked the engine and resolved it), it is used as is; otherwise the engine is checked and the image resolved.
 */
export async function openTopologyContext(
  run: RunContext,
  flavorId: FlavorId,
  progress: (m: string) => void,
  opts: { fixedSubnet?: boolean; image?: string } = {},
): Promise<TopologyContext> {
  const flavor = FLAVORS[flavorId];
  let image = opts.image;
  if (!image) {
    await engineVersion();
    image = await resolveImage(flavor, progress);
  }
  const network = await startNetwork(run, { fixedSubnet: opts.fixedSubnet });
  const own = ownNames();
  const creds: Credentials = { admin: own.admin, adminPassword: secret(), repl: own.repl, replPassword: secret() };
  return { run, network, adapter: adapterFor(flavor), image, creds, progress };
}

/** The same run, network and credentials with another flavor's image and adapter (an upgrade target). */
export async function withFlavor(ctx: TopologyContext, flavorId: FlavorId): Promise<TopologyContext> {
  const flavor = FLAVORS[flavorId];
  return { ...ctx, adapter: adapterFor(flavor), image: await resolveImage(flavor, ctx.progress) };
}

const channelOf = (source: string) => source.replace(/^primary-?/, '') || undefined;

/** The running nodes of a topology, by name. New nodes (restored ones) can be added. */
export class Topology {
  private readonly nodes = new Map<string, StartedNode>();
  /** What every node that was ever a member was started as: a lost node is rebuilt as what it was. */
  private readonly specs = new Map<string, NodeSpec>();
  /** primary-replicas: the node holding the primary role (moved by a failover or switchover); Galera: the write node;
   * Group Replication: the member the group elected. */
  private primaryName: string;
  /** Nodes out of the replication topology (a failed primary that came back): neither primary nor replica. */
  private readonly fenced = new Set<string>();
  constructor(
    readonly ctx: TopologyContext,
    readonly spec: TopologySpec,
  ) {
    this.primaryName = spec.kind === 'galera' ? spec.writeNode : spec.kind === 'group-replication' ? spec.members[0]! : 'primary';
  }

  add(node: StartedNode): void {
    this.nodes.set(node.name, node);
    this.specs.set(node.name, node.spec);
  }
  /** Destroys the node (container and datadir) and forgets it; what it was started as is kept (specOf). */
  async destroy(name: string): Promise<RemovedState> {
    const left = await this.get(name).destroy();
    this.nodes.delete(name);
    return left;
  }
  /** The spec a node (present or lost) was started with, without the datadir it had. */
  specOf(name: string): NodeSpec {
    const s = this.specs.get(name);
    if (!s) throw new Error(`'${name}' was never a member of this topology`);
    const { datadirVolume: _v, skipBootstrap: _b, bootstrapCluster: _c, ...rest } = s;
    return rest;
  }
  get(name: string): StartedNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node '${name}' in this topology (have: ${[...this.nodes.keys()].join(', ')})`);
    return n;
  }
  /** The primaries with their ledger databases. */
  get sourceSpecs(): readonly SourceSpec[] {
    if (this.spec.kind === 'multi-source') return this.spec.sources;
    return [{ name: this.primaryName, ledgerDb: ownNames().schema }];
  }
  /**
   * primary-replicas: the primary role moves to `name` (a failover or a switchover). The former primary becomes a
   * replica, unless it is fenced (a failed primary: out of the topology until it is rejoined). Galera: the clients'
   * writes move to the member `name` (the former write node stays a member). Group Replication: the group elected
   * `name` (the former primary stays a member, to rejoin).
   */
  promote(name: string, formerPrimary: 'replica' | 'fenced'): void {
    if (this.spec.kind === 'galera' || this.spec.kind === 'group-replication') {
      if (!this.spec.members.includes(name))
        throw new Error(`${name} is not a member of the ${this.spec.kind === 'galera' ? 'Galera cluster' : 'group'}`);
      this.primaryName = name;
      return;
    }
    if (this.spec.kind !== 'primary-replicas')
      throw new Error(`only a primary-replicas or Galera topology changes its primary (this one: ${this.spec.kind})`);
    this.get(name);
    if (formerPrimary === 'fenced') this.fenced.add(this.primaryName);
    this.fenced.delete(name);
    this.primaryName = name;
  }
  /** A fenced node joins the topology again as a replica. */
  rejoin(name: string): void {
    this.fenced.delete(name);
  }
  /** Whether the node is out of the replication topology (fenced). */
  isFenced(name: string): boolean {
    return this.fenced.has(name);
  }
  /** Galera or Group Replication members (empty for replication topologies). */
  get members(): StartedNode[] {
    return this.spec.kind === 'galera' || this.spec.kind === 'group-replication'
      ? this.spec.members.map((m) => this.nodes.get(m)).filter((n): n is StartedNode => !!n)
      : [];
  }
  get primaries(): StartedNode[] {
    return this.sourceSpecs.map((s) => this.get(s.name));
  }
  /** The single primary of a primary-replicas topology (the first primary otherwise). */
  get primary(): StartedNode {
    return this.get(this.sourceSpecs[0]!.name);
  }
  get replicas(): StartedNode[] {
    if (this.spec.kind === 'galera' || this.spec.kind === 'group-replication') return [];
    const names =
      this.spec.kind === 'primary-replicas' ? ['primary', ...this.spec.replicas.map((r) => r.name)] : this.spec.replicas.map((r) => r.name);
    return names
      .filter((n) => n !== this.primaryName && !this.fenced.has(n))
      .map((n) => this.nodes.get(n))
      .filter((n): n is StartedNode => !!n);
  }
  all(): StartedNode[] {
    return [...this.nodes.values()];
  }
  nextServerId(): number {
    return Math.max(0, ...this.all().map((n) => n.serverId)) + 1;
  }
  /** The sources a replica replicates from, each with its channel. */
  sourcesOf(_replica: string): SourceLink[] {
    return this.sourceSpecs.map((s) => ({
      source: this.get(s.name),
      ledgerDb: s.ledgerDb,
      channel: this.spec.kind === 'multi-source' ? channelOf(s.name) : undefined,
    }));
  }
}

/** Points a replica at every source of the topology and starts replication. */
export async function attachToSources(topo: Topology, replica: StartedNode): Promise<void> {
  for (const l of topo.sourcesOf(replica.name)) await attachReplica(replica, l.source, topo.ctx.creds, l.channel);
}

/** A Galera member's node spec: its static address (.11, .12, ...), every member's address, its SST method. */
function galeraMemberSpec(ctx: TopologyContext, spec: GaleraSpec, name: string): NodeSpec {
  const i = spec.members.indexOf(name);
  if (i < 0) throw new Error(`${name} is not a member of the Galera cluster (${spec.members.join(', ')})`);
  const ips = spec.members.map((_, k) => `${ctx.network.prefix}.${11 + k}`);
  return { name, ip: ips[i], server: { serverId: i + 1, galera: { members: ips, address: ips[i]!, name, sst: spec.sst } } };
}

/** Starts a Galera cluster: the first member bootstraps it, the others join one by one (SST), each until Synced. */
async function startGalera(ctx: TopologyContext, spec: GaleraSpec): Promise<Topology> {
  if (!ctx.adapter.flavor.galera) throw new UsageError(`${ctx.adapter.flavor.id} has no Galera`);
  if (!ctx.network.prefix) throw new Error('a Galera topology needs a network with a fixed subnet');
  const topo = new Topology(ctx, spec);
  ctx.progress(`starting Galera cluster ${spec.members.join(', ')} (${ctx.adapter.flavor.id}, SST ${spec.sst})`);
  for (const [i, name] of spec.members.entries()) {
    const node = await new NodeDefinition(ctx, { ...galeraMemberSpec(ctx, spec, name), bootstrapCluster: i === 0 }).start();
    await waitGalera(node, 'to be Synced in the Primary component', isSynced);
    topo.add(node);
  }
  return topo;
}

/** Starts a Group Replication group (flavors whose adapter can hold one): every member ONLINE, the first the primary. */
async function startGroup(ctx: TopologyContext, spec: GroupReplicationSpec): Promise<Topology> {
  if (!ctx.adapter.flavor.groupReplication)
    throw new UsageError(
      `${ctx.adapter.flavor.id} has no MySQL Group Replication (flavors that do: ${Object.values(FLAVORS)
        .filter((f) => f.groupReplication)
        .map((f) => f.id)
        .join(', ')})`,
    );
  const topo = new Topology(ctx, spec);
  ctx.progress(`forming Group Replication group ${spec.members.join(', ')} (${ctx.adapter.flavor.id}, single-primary)`);
  for (const n of await formGroup(ctx, spec.members)) topo.add(n);
  return topo;
}

/** Starts the topology: primaries and replicas pointed at their sources by GTID, a Galera cluster, or a group. */
export async function startTopology(ctx: TopologyContext, spec: TopologySpec): Promise<Topology> {
  if (spec.kind === 'galera') return startGalera(ctx, spec);
  if (spec.kind === 'group-replication') return startGroup(ctx, spec);
  const topo = new Topology(ctx, spec);
  const sources = spec.kind === 'multi-source' ? spec.sources : [{ name: 'primary', ledgerDb: ownNames().schema }];
  const primaryMounts = spec.kind === 'primary-replicas' ? spec.primaryMounts : undefined;
  const defs = [
    ...sources.map(
      (s, i) => new NodeDefinition(ctx, { name: s.name, server: { serverId: i + 1, gtidDomainId: s.gtidDomainId }, mounts: primaryMounts }),
    ),
    ...spec.replicas.map(
      (r, i) =>
        new NodeDefinition(ctx, {
          name: r.name,
          server: { ...r.server, serverId: sources.length + i + 1, readOnly: true },
          mounts: r.mounts,
        }),
    ),
  ];
  ctx.progress(`starting ${defs.map((d) => d.spec.name).join(', ')} (${ctx.adapter.flavor.id}, image ${ctx.image})`);
  for (const n of await Promise.all(defs.map((d) => d.start()))) topo.add(n);
  for (const r of topo.replicas) await attachToSources(topo, r);
  return topo;
}
