/**
 * A Galera cluster upgraded member by member (MariaDB's Galera rolling upgrade): a member stopped cleanly, started on
 * the target version's image on the same datadir, mariadb-upgrade without the binary log, rejoined by IST; the
 * clients' write node moved to an upgraded member before the old write node's turn; each member's version seen.
 */
import { flavor as flavorById } from '../../core/index.js';
import { galeraState, isSynced, waitGalera } from '../../runtime/galera.js';
import { NodeDefinition } from '../../runtime/node.js';
import { oneShot } from '../../runtime/oneshot.js';
import { runUpgradeTool } from '../../runtime/upgrade-tool.js';
import { upgradeSql } from '../../sql/index.js';
import {
  judgeIstRejoin,
  judgeMemberVersions,
  judgeUpgradeNotReplicated,
  ledgerCheck,
  presentLedgerIds,
  type MemberVersion,
} from '../../verify/index.js';
import { checkName, observationName } from '../names.js';
import type { Step } from '../types.js';
import { step, withNodes } from './common.js';
import { failoverOf } from './failover.js';
import { galeraConverge } from './galera.js';
import { datadirHandedTo, upgradeTarget } from './upgrade-context.js';

const seqnoLine = (grastate: string) =>
  grastate
    .split('\n')
    .filter((l) => /^(seqno|safe_to_bootstrap):/.test(l))
    .join(', ');

/**
 * Upgrades one member in place, the way MariaDB's Galera rolling upgrade does it: a slow, clean shutdown (the member
 * leaves the cluster and writes its position to grastate.dat), the container removed (the datadir volume stays) and
 * given to the target image's mysql user, the target version started on it with the member's address and cluster
 * settings; once it is Synced in the whole cluster again, `mariadb-upgrade --skip-write-binlog`. Judged: it caught up
 * by IST from the position it stopped at, not a full SST (from its own log), and the upgrade replicated no writeset
 * to the members still on the old version (its wsrep_replicated before and after).
 */
export const galeraMemberUpgraded = (node: string): Step =>
  withNodes(
    { uses: [node] },
    {
      restartsNode: true,
      ...step(`upgrade ${node} in place to the target version; it rejoins by IST`, async (ctx) => {
        const n = ctx.topo.get(node);
        const size = ctx.topo.members.length;
        const to = upgradeTarget(ctx);
        const t0 = Date.now();
        await n.query(upgradeSql.slowShutdown());
        await n.stop();
        const stoppedMs = Date.now() - t0;
        const grastate = await oneShot(n.context, {
          name: `${node}-grastate`,
          volume: n.volume,
          argv: ['cat', '/var/lib/mysql/grastate.dat'],
        });
        await n.remove();
        const target = await datadirHandedTo(ctx, to, node, n.volume);
        const t1 = Date.now();
        // a donor forced for an earlier SST (galera-sst-direction.ts) is not kept: the member rejoins from any donor
        const spec = ctx.topo.specOf(node);
        const extra = spec.server.extra?.filter((o) => !o.startsWith('--wsrep-sst-donor='));
        const server = { ...spec.server, ...(extra ? { extra } : {}) };
        const up = await new NodeDefinition(target, { ...spec, server, datadirVolume: n.volume, skipBootstrap: true }).start();
        ctx.topo.add(up);
        const synced = await waitGalera(up, `to be Synced in a cluster of ${size}`, (s) => isSynced(s) && s.clusterSize === size, {
          timeoutS: 300,
        });
        const untilSyncedMs = Date.now() - t1;
        const t2 = Date.now();
        const out = up.adapter.upgradeUnlogged.length ? (await runUpgradeTool(up, up.adapter.upgradeUnlogged)).stdout : '';
        const upgradeMs = Date.now() - t2;
        const after = await galeraState(up);
        const ist = judgeIstRejoin(node, await up.container.logsTail(20_000));
        ctx.checks.push(ist);
        ctx.checks.push(
          judgeUpgradeNotReplicated(
            checkName.upgradeNotReplicated(node),
            node,
            synced.replicated,
            after.replicated,
            up.adapter.upgradeUnlogged,
          ),
        );
        const [v] = await up.query<{ v: string }>(up.adapter.dialect.version());
        ctx.observations[observationName.inPlaceUpgrade(node)] = {
          from: n.adapter.flavor.id,
          to,
          version: v?.v,
          grastateAtStop: seqnoLine(grastate.stdout),
          stopMs: stoppedMs,
          untilSyncedMs,
          upgradeMs,
          outOfClusterMs: Date.now() - t0,
          joinedBy: ist.details['joinedBy'],
          istWritesets: ist.details['istWritesets'],
          upgradeOutput: out.trim().split('\n').slice(-2),
          clusterSizeAfter: after.clusterSize,
        };
      }),
    },
  );

/**
 * Each member's version as it answers now, judged against the series expected of it: the target's for the members in
 * `upgraded`, the old version's for the rest (a mixed cluster mid-way, all new at the end).
 */
export const memberVersions = (label: string, upgraded: readonly string[]): Step =>
  step(`each member's version (${label})`, async (ctx) => {
    const from = ctx.tctx.adapter.flavor.series;
    const to = flavorById(upgradeTarget(ctx)).series;
    const seen = await Promise.all(
      ctx.topo.members.map(async (n): Promise<MemberVersion> => {
        try {
          const [v] = await n.query<{ v: string }>(n.adapter.dialect.version());
          return { node: n.name, version: v?.v };
        } catch (e) {
          return { node: n.name, error: (e as Error).message.split('\n')[0] };
        }
      }),
    );
    const expected = Object.fromEntries(ctx.topo.members.map((n) => [n.name, upgraded.includes(n.name) ? to : from]));
    const c = judgeMemberVersions(checkName.memberVersions(label), seen, expected);
    ctx.observations[observationName.memberVersions(label)] = c.details['versions'];
    ctx.checks.push(c);
  });

/**
 * The clients' write node moves to `node` (an upgraded member) before the old write node's turn, as a DBA drains a
 * member from the proxy's pool: the proxy routes writes to it alone from then on.
 */
export const writeNodeMovedTo = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`the clients' proxy moves the writes to ${node}`, async (ctx) => {
      const f = failoverOf(ctx);
      const from = ctx.topo.primary.name;
      const since = Date.now();
      ctx.topo.promote(node, 'replica');
      ctx.state.currentPrimary = node;
      await f.router.routesOnlyTo(node, since);
      ctx.observations[observationName.writeNodeMoved] = { from, to: node, routedAfterMs: Date.now() - since };
    }),
  );

/**
 * While the cluster is mixed: the application pauses, every member converges, and the whole ledger is on each named
 * member (an upgraded one and an old one); then the application writes again.
 */
export const ledgerHoldsWhileMixed = (nodes: readonly string[]): Step =>
  withNodes(
    { uses: nodes },
    step(`the ledger holds on ${nodes.join(' and ')} while the versions are mixed`, async (ctx) => {
      await ctx.workload.stop();
      try {
        await galeraConverge().run(ctx);
        for (const node of nodes)
          ctx.checks.push(
            ledgerCheck(
              checkName.ledgerAfter('mixed', node),
              ctx.workload.ledger,
              await presentLedgerIds(ctx.topo.get(node), ctx.workload.db),
            ),
          );
      } finally {
        ctx.workload.start();
      }
    }),
  );
