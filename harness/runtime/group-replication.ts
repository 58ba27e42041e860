// A MySQL Group Replication group, single-primary, formed as a DBA forms one: the plugin and the group's settings in an
// option file, the group bootstrapped on the first member, the others joining with distributed recovery credentials
// given over SQL. Ready when every member is ONLINE in the group's view (polled with a deadline).
import { randomUUID } from 'node:crypto';
import { waitUntil } from '../exec/index.js';
import { groupSql } from '../sql/index.js';
import type { TopologyContext } from './context.js';
import type { ContainerFiles } from './docker.js';
import { NodeDefinition, type NodeSpec, type StartedNode } from './node.js';

/** The port members talk to each other on (XCom), beside 3306. */
const GROUP_PORT = 33061;

/** One member as a member sees it. */
export interface GroupMember {
  host: string;
  state: string; // ONLINE | RECOVERING | OFFLINE | UNREACHABLE | ERROR
  role: string; // PRIMARY | SECONDARY
  self: boolean;
}

/**
 * The option file every member gets (from memory, into the container's drop-in folder). performance_schema is on
 * (firedrill's MySQL nodes run without it, but the group's state is read there); a member leaves the group at once
 * when the others find it unreachable (`group_replication_member_expel_timeout` 0: the failure detector's ~5 s alone,
 * as Galera's nodes here drop their defaults), and does not start group replication at boot until it has been a member
 * (set once it is ONLINE: `startOnBoot`).
 */
function groupOptionFile(o: { group: string; member: string; members: readonly string[] }): string {
  return [
    '# firedrill: a MySQL Group Replication member (single-primary)',
    '[mysqld]',
    'performance_schema                        = ON',
    'plugin_load_add                           = group_replication.so',
    `group_replication_group_name              = ${o.group}`,
    'group_replication_single_primary_mode     = ON',
    'group_replication_start_on_boot           = OFF',
    'group_replication_bootstrap_group         = OFF',
    `group_replication_local_address           = ${o.member}:${GROUP_PORT}`,
    `group_replication_group_seeds             = ${o.members.map((m) => `${m}:${GROUP_PORT}`).join(',')}`,
    'group_replication_recovery_get_public_key = ON',
    'group_replication_member_expel_timeout    = 0',
    '',
  ].join('\n');
}

/** The group as `node` sees it (its own row marked `self`). */
export async function groupMembers(node: StartedNode): Promise<GroupMember[]> {
  const rows = await node.query<Record<string, unknown>>(groupSql.groupMembers(), { timeoutMs: 5000 });
  return rows.map((r) => ({ host: String(r['host']), state: String(r['state']), role: String(r['role']), self: Number(r['self']) === 1 }));
}

/**
 * Polls until `accept` holds for the group as `node` sees it; the timeout names the wait and the membership last seen
 * (or the last error: the node not answering).
 */
export async function waitGroup(
  node: StartedNode,
  what: string,
  accept: (ms: GroupMember[]) => boolean,
  timeoutS = 120,
): Promise<GroupMember[]> {
  return waitUntil(() => groupMembers(node), accept, { what: `${node.name} ${what}`, timeoutMs: timeoutS * 1000, intervalMs: 250 });
}

/** Every one of `size` members ONLINE, one of them PRIMARY. */
export const allOnline = (size: number) => (ms: GroupMember[]) =>
  ms.length === size && ms.every((m) => m.state === 'ONLINE') && ms.filter((m) => m.role === 'PRIMARY').length === 1;

/** Each member's node spec: its own server id, firedrill's admin and its name as the host the others recover from. */
function memberSpec(ctx: TopologyContext, members: readonly string[], group: string, name: string, i: number): NodeSpec {
  const files: ContainerFiles[] = [
    {
      dir: ctx.adapter.configDropIn.dir,
      files: [{ name: 'group-replication.cnf', content: groupOptionFile({ group, member: name, members }), mode: 0o644 }],
    },
  ];
  // report_host is how the others reach it for distributed recovery: its name on the run's network.
  return { name, server: { serverId: i + 1, extra: [`--report-host=${name}`] }, files };
}

/**
 * Starts the members and forms the group: the first bootstraps it, the others join one by one (each ONLINE before the
 * next); each gets the recovery credentials first and starts group replication at boot once it has been ONLINE.
 * Returns the started members in order.
 */
export async function formGroup(ctx: TopologyContext, members: readonly string[]): Promise<StartedNode[]> {
  const group = randomUUID();
  const nodes = await Promise.all(members.map((name, i) => new NodeDefinition(ctx, memberSpec(ctx, members, group, name, i)).start()));
  for (const [i, n] of nodes.entries()) {
    await n.query(groupSql.recoveryCredentials(ctx.creds.repl, ctx.creds.replPassword));
    if (i === 0) for (const s of groupSql.bootstrapGroup()) await n.query(s, { timeoutMs: 60_000 });
    else await n.query(groupSql.joinGroup(), { timeoutMs: 120_000 });
    await waitGroup(n, `to be ONLINE in a group of ${i + 1}`, allOnline(i + 1));
    await n.query(groupSql.startOnBoot());
  }
  return nodes;
}
