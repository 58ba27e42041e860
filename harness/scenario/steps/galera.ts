import { galeraState, isSynced, waitGalera } from '../../runtime/galera.js';
import { oneShot } from '../../runtime/oneshot.js';
import type { StartedNode } from '../../runtime/node.js';
import { workloadSql } from '../../sql/index.js';
import { backupPointEqualsSnapshot, check, compareServers, judgeSstRejoin, judgeStateTransfer } from '../../verify/index.js';
import { waitUntil } from '../../exec/index.js';
import { artifactPath, galeraSnapshot } from '../../backup/index.js';
import { restorePhysical } from '../../restore/index.js';
import { checkName, observationName } from '../names.js';
import type { DrillContext, Step } from '../types.js';
import { backupWithOptionalFault } from './backup.js';
import { ackedTotal, harnessAccounts, latest, step } from './common.js';

const members = (ctx: DrillContext, names?: readonly string[]) => (names ? names.map((n) => ctx.topo.get(n)) : ctx.topo.members);

/** Every named member (default: all) is Synced in the Primary component; records the cluster size seen. */
export const galeraSynced = (names?: readonly string[], timeoutS = 180): Step =>
  step(`${names?.join(', ') ?? 'every member'} Synced`, async (ctx) => {
    for (const n of members(ctx, names)) {
      const t0 = Date.now();
      const s = await waitGalera(n, 'to be Synced in the Primary component', isSynced, { timeoutS });
      ctx.observations[observationName.synced(n.name)] = {
        afterMs: Date.now() - t0,
        clusterSize: s.clusterSize,
        lastCommitted: s.lastCommitted,
      };
    }
  });

/** The cluster as seen from a node has this many members (the survivors keep a Primary component). */
export const galeraClusterSize = (node: string, size: number): Step =>
  step(`${node} sees a cluster of ${size}`, async (ctx) => {
    const s = await waitGalera(
      ctx.topo.get(node),
      `to see ${size} members`,
      (x) => x.clusterSize === size && x.clusterStatus === 'Primary',
      { timeoutS: 60 },
    ).then(
      (v) => ({ ok: true, v }),
      (e: Error) => ({ ok: false, v: e.message }),
    );
    ctx.checks.push(
      check(
        checkName.primaryWithMembers(node, size),
        s.ok ? [] : [{ database: '*', object: node, kind: 'unexpected-cluster-state', actual: s.v }],
        { state: s.v },
      ),
    );
  });

/** After losing quorum, the node's component is non-Primary and it refuses queries (ERROR 1047), as the seed saw. */
export const galeraRefusesWithoutQuorum = (node: string, via: 'network' | 'local' = 'network'): Step =>
  step(`${node} is non-Primary and refuses queries`, async (ctx) => {
    const n = ctx.topo.get(node);
    const t0 = Date.now();
    const st = await waitGalera(n, 'to leave the Primary component', (s) => s.clusterStatus !== 'Primary', { timeoutS: 60, via }).then(
      (v) => ({ ok: true, v }),
      (e: Error) => ({ ok: false, v: e.message }),
    );
    // Over the network the driver gives the error number; over the local socket the client prints "ERROR 1047 (08S01)".
    const refused = await (via === 'network' ? n.query(workloadSql.presentWriteIds()) : n.localQuery(workloadSql.presentWriteIds())).then(
      () => ({ refused: false, code: 0, message: 'query succeeded' }),
      (e: { errno?: number; message?: string }) => ({
        refused: true,
        code: e.errno ?? Number(/ERROR (\d+)/.exec(String(e.message))?.[1] ?? 0),
        message: String(e.message).split('\n').slice(-1)[0],
      }),
    );
    ctx.observations[observationName.quorumLoss(node)] = { afterMs: Date.now() - t0, state: st.v, query: refused };
    ctx.checks.push(
      check(
        checkName.nonPrimaryAfterQuorumLoss(node),
        st.ok ? [] : [{ database: '*', object: node, kind: 'still-primary', actual: st.v }],
        { state: st.v },
      ),
    );
    ctx.checks.push(
      check(
        checkName.refusesQueriesWithoutQuorum(node),
        refused.refused && refused.code === 1047 ? [] : [{ database: '*', object: node, kind: 'query-not-refused', actual: refused }],
        { error: refused },
      ),
    );
  });

/** The seed's recovery: make the survivor the Primary component (pc.bootstrap). */
export const bootstrapSurvivor = (node: string): Step =>
  step(`bootstrap ${node} as the Primary component`, async (ctx) => {
    const n = ctx.topo.get(node);
    const t0 = Date.now();
    if (!n.adapter.galera) throw new Error(`${n.adapter.flavor.id} has no Galera`);
    await n.query(n.adapter.galera.bootstrapPrimaryComponent);
    const s = await waitGalera(n, 'to become Primary', (x) => x.clusterStatus === 'Primary', { timeoutS: 30 });
    ctx.observations[observationName.bootstrap(node)] = { afterMs: Date.now() - t0, state: s };
  });

const seqnoOf = (text: string, re: RegExp) => {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
};

/**
 * A stopped member's position as its own datadir holds it: grastate.dat, and the seqno `--wsrep-recover` finds in
 * InnoDB (a killed member's grastate.dat says -1). Run in one-shot containers on its volume.
 */
export async function recoveredPosition(n: StartedNode): Promise<{ grastate: string; recovered?: number }> {
  const g = await oneShot(n.context, { name: `${n.name}-grastate`, volume: n.volume, argv: ['cat', '/var/lib/mysql/grastate.dat'] });
  const r = await oneShot(n.context, {
    name: `${n.name}-recover`,
    volume: n.volume,
    argv: [...n.adapter.serverCommand(n.spec.server), '--wsrep-recover'],
  });
  return { grastate: g.stdout, recovered: seqnoOf(r.stderr + r.stdout, /Recovered position:\s*[0-9a-f-]+:(-?\d+)/) };
}

/**
 * Whole-cluster crash recovery by hand: read every member's grastate.dat and its --wsrep-recover position, pick the
 * most advanced member, mark it safe_to_bootstrap and bootstrap it, then start the others (they rejoin by IST).
 */
export const recoverCrashedCluster = (): Step =>
  step('recover the crashed cluster from the most advanced member', async (ctx) => {
    const nodes = ctx.topo.members;
    const seen: Array<{ node: StartedNode; grastate: string; recovered?: number }> = [];
    for (const n of nodes) seen.push({ node: n, ...(await recoveredPosition(n)) });
    const best = seen.reduce((a, b) => ((b.recovered ?? -1) > (a.recovered ?? -1) ? b : a));
    if (best.recovered === undefined) throw new Error(`no member recovered a position: ${JSON.stringify(seen.map((s) => s.grastate))}`);
    await oneShot(best.node.context, {
      name: `${best.node.name}-safe`,
      volume: best.node.volume,
      argv: ['sed', '-i', 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/', '/var/lib/mysql/grastate.dat'],
    });
    await oneShot(best.node.context, {
      name: `${best.node.name}-mark`,
      volume: best.node.volume,
      argv: ['touch', '/var/lib/mysql/.fd-bootstrap-once'],
    });
    await best.node.restart();
    await waitGalera(best.node, 'to bootstrap a Primary component', isSynced);
    for (const s of seen)
      if (s.node !== best.node) {
        await s.node.restart();
        await waitGalera(s.node, 'to rejoin Synced', isSynced, { timeoutS: 180 });
      }
    ctx.observations[observationName.clusterRecovery] = {
      members: seen.map((s) => ({
        node: s.node.name,
        recoveredSeqno: s.recovered,
        grastate: s.grastate
          .trim()
          .split('\n')
          .filter((l) => /seqno|safe_to_bootstrap/.test(l)),
      })),
      bootstrapped: best.node.name,
    };
  });

/** After the workload stopped: every member has committed the same last transaction. */
export const galeraConverge = (timeoutS = 120): Step =>
  step('every member converges', async (ctx) => {
    const nodes = ctx.topo.members;
    await waitUntil(
      async () => Promise.all(nodes.map(async (n) => (await galeraState(n)).lastCommitted)),
      (seqs) => seqs.every((s) => s === seqs[0]),
      { what: 'every member to reach the same wsrep_last_committed', timeoutMs: timeoutS * 1000, intervalMs: 250 },
    );
  });

/** Every member of a Galera cluster or a group equals the first: schema objects and every row. */
export const membersEqual = (): Step =>
  step('every member holds the same data', async (ctx) => {
    const [first, ...rest] = ctx.topo.members;
    for (const n of rest)
      for (const c of await compareServers(first!, n, { excludeAccounts: harnessAccounts(ctx), peers: true }))
        ctx.checks.push({ ...c, name: checkName.equalsSource(n.name, c.name, first!.name) });
  });

/** The node came back through a full state transfer (SST), from its own log since the fault that hit it. */
export const rejoinedBySst = (node: string): Step =>
  step(`${node} rejoined by SST`, async (ctx) => {
    const fault = [...ctx.faults].reverse().find((f) => f.effect?.nodes.includes(node) ?? f.fault.target === node);
    if (!fault) {
      ctx.checks.push(
        check(checkName.rejoinedBySst(node), [
          { database: '*', object: node, kind: 'no-fault-on-node', where: 'no fault hit this node: nothing to rejoin from' },
        ]),
      );
      return;
    }
    ctx.checks.push({
      ...judgeSstRejoin(node, await ctx.topo.get(node).container.logsTail(20_000, fault.injectedAt)),
      name: checkName.rejoinedBySst(node),
    });
  });

/**
 * FTWRL + filesystem snapshot of one member, desynced first: the cluster must keep committing while the member is
 * locked (its acknowledged writes during the lock are counted), and the member resyncs afterwards.
 */
export const galeraDesyncedSnapshot = (node: string): Step => ({
  physicalCopy: 'fs-snapshot',
  ...step(`snapshot ${node} desynced (wsrep_desync + FTWRL)`, async (ctx) => {
    const n = ctx.topo.get(node);
    const id = `fs-snapshot-${node}-${ctx.artifacts.length + 1}`;
    const seen = { atLock: 0, atUnlock: 0, lockedAt: 0, unlockAt: 0 };
    const manifest = await backupWithOptionalFault(ctx, node, id, (aid) =>
      galeraSnapshot(n, ctx.store, aid, ctx.progress, {
        locked: () => {
          seen.atLock = ackedTotal(ctx);
          seen.lockedAt = Date.now();
        },
        unlocking: () => {
          seen.atUnlock = ackedTotal(ctx);
          seen.unlockAt = Date.now();
        },
      }),
    );
    ctx.artifacts.push({ dir: artifactPath(ctx.store, id), manifest });
    ctx.checks.push(backupPointEqualsSnapshot('galera', manifest.position, checkName.backupPointEqualsSnapshotPoint));
    const ackedWhileLocked = seen.atUnlock - seen.atLock;
    ctx.observations[observationName.backup(id)] = {
      galeraPosition: manifest.position.gtid,
      totalBytes: manifest.totalBytes,
      timings: manifest.timings,
      clusterWritesAcknowledgedWhileLocked: ackedWhileLocked,
      lockedMs: seen.unlockAt - seen.lockedAt,
    };
    ctx.checks.push(
      check(
        checkName.clusterKeptWritingWhileLocked(node),
        ackedWhileLocked > 0 ? [] : [{ database: '*', object: node, kind: 'cluster-stalled-by-backup', actual: ackedWhileLocked }],
        { ackedWhileLocked, lockedMs: seen.unlockAt - seen.lockedAt },
      ),
    );
  }),
});

/** Rebuilds a lost member from the latest artifact, under its own name and address; it joins and becomes Synced. */
export const rebuildGaleraMember = (node: string): Step =>
  step(`rebuild ${node} from the latest backup and rejoin`, async (ctx) => {
    const a = latest(ctx);
    const spec = ctx.topo.specOf(node); // its address and cluster settings, as it was started
    const t0 = Date.now();
    const r = await restorePhysical(ctx.tctx, a.dir, { name: node, serverId: spec.server.serverId, as: spec });
    ctx.topo.add(r.node);
    const s = await waitGalera(r.node, 'to join and be Synced', isSynced, { timeoutS: 300 });
    ctx.observations[observationName.rebuild(node)] = {
      artifact: a.manifest.id,
      backupPosition: a.manifest.position.gtid,
      timings: r.timings,
      untilSyncedMs: Date.now() - t0,
      lastCommitted: s.lastCommitted,
    };
  });

/** The member caught up by IST from the backup's position, not by a full SST (judged from its log). */
export const rejoinedByIst = (node: string): Step =>
  step(`${node} rejoined by IST from the backup's position`, async (ctx) => {
    const a = latest(ctx);
    const c = judgeStateTransfer(
      node,
      await ctx.topo.get(node).container.logsTail(3000),
      Number(a.manifest.position.gtid.split(':').pop()),
    );
    ctx.observations[observationName.stateTransfer(node)] = c.details;
    ctx.checks.push(c);
  });
