import { methodOf, type Manifest } from '../../backup/index.js';
import type { StartedNode } from '../../runtime/node.js';
import { restoreAndCatchUp, restoreArtifact } from '../../restore/index.js';
import { gtidExecuted, gtidReplicaPos, gtidWritten } from '../../runtime/replication.js';
import {
  check,
  type CheckResult,
  committedGtids,
  compareSnapshots,
  coversEvery,
  presentLedgerIds,
  restoredAtPoint,
  takeSnapshot,
  wroteNothingAs,
} from '../../verify/index.js';
import { checkName, observationName } from '../names.js';
import { need } from '../state.js';
import type { Step } from '../types.js';
import { latest, restoredServerId, step, temporaryServerId, withNodes } from './common.js';
import { catchUpFromSources } from './replication.js';

/** Restores the latest artifact (physical or logical) into a brand-new node with a new server id (checksums verified first). */
export const restoreLatest = (as: string): Step =>
  withNodes(
    { creates: [as] },
    step(`restore latest artifact as ${as}`, async (ctx) => {
      const a = latest(ctx);
      const serverId = restoredServerId(ctx);
      const limit = methodOf(a.manifest).notCarried?.accounts;
      if (limit) ctx.progress(`${as}: restored from a ${a.manifest.method} backup, so accounts are not compared: ${limit}`);
      const r = await restoreArtifact(ctx.tctx, a.dir, { name: as, serverId, readOnly: true });
      ctx.topo.add(r.node);
      ctx.observations[observationName.restore(as)] = { artifact: a.manifest.id, serverId, timings: r.timings };
    }),
  );

/** The restored node equals the pre-backup snapshot: CHECK TABLE clean, CHECKSUM TABLE and objects equal, GTID equal. */
export const verifyAgainstSnapshot = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`verify ${node} against the pre-backup snapshot`, async (ctx) => {
      ctx.checks.push(...(await checksAgainstArtifact(ctx.topo.get(node), latest(ctx).manifest)));
    }),
  );

/**
 * A restored node's checks against the artifact it came from: its snapshot (CHECK TABLE, CHECKSUM TABLE, objects) and
 * its GTID state against the artifact's recorded point and the snapshot's point.
 */
export async function checksAgainstArtifact(n: StartedNode, manifest: Manifest): Promise<CheckResult[]> {
  // The whole server, not only the manifest's databases: a database present only on the restored node is reported.
  // Rows are fingerprinted only where the checksum does not already equal the snapshot's.
  const snap = await takeSnapshot(n, undefined, { against: manifest.snapshot });
  const out = compareSnapshots(manifest.snapshot, snap).map((c) => ({ ...c, name: checkName.onNode(n.name, c.name) }));
  // The restored server's own GTID state (read from the restored datadir or the loaded dump) against the artifact's
  // recorded point and against the snapshot's point; what it wrote by itself on a rule's account (a MEMORY table's
  // generated emptying, F39) is named as a finding.
  const restoredAt = await gtidReplicaPos(n);
  out.push(await restoredAtPoint(n, manifest.position.gtid, restoredAt, checkName.gtidEqualsManifest(n.name)));
  out.push(await restoredAtPoint(n, manifest.position.snapshotGtid, restoredAt, checkName.gtidEqualsSnapshotPoint(n.name)));
  return out;
}

/** Rebuilds a lost or diverged replica from the latest artifact (under its old name) and catches it up by GTID. */
export const rebuildFromBackup = (node: string): Step =>
  step(`rebuild ${node} from the latest backup`, async (ctx) => {
    if (ctx.topo.all().some((n) => n.name === node)) await ctx.topo.destroy(node);
    await restoreLatest(node).run(ctx);
    await catchUpFromSources(node).run(ctx);
  });

/**
 * The seed's catch-up (mysqlbackup.py): rebuild a lost node from the latest artifact under a temporary server id,
 * catch up from each reachable peer (default: each of its sources, on its channel) in turn until less than one
 * second behind it, stop, and start the ready datadir as the node it was (its own server id). Checks that nothing
 * was written under the temporary identity and that the node holds everything every peer has.
 */
export const rebuildWithCatchUp = (node: string, peers?: readonly string[]): Step =>
  step(
    `rebuild ${node} from the latest backup with a temporary server id, catching up from ${peers?.join(', ') ?? 'each of its sources'}`,
    async (ctx) => {
      const a = latest(ctx);
      // Named peers, one after the other on the default channel; or the node's own sources, each on its channel.
      const list = peers
        ? peers.map((p) => ({ node: ctx.topo.get(p) }))
        : ctx.topo.sourcesOf(node).map((l) => ({ node: l.source, channel: l.channel }));
      const r = await restoreAndCatchUp(ctx.tctx, a.dir, ctx.topo.specOf(node), list, ctx.tctx.creds, temporaryServerId(ctx));
      ctx.topo.add(r.node);
      ctx.observations[observationName.catchUpRebuild(node)] = {
        artifact: a.manifest.id,
        backupGtid: a.manifest.position.gtid,
        ...r,
        node: undefined,
      };
      ctx.checks.push(wroteNothingAs(r.node.adapter.gtid, node, await gtidWritten(r.node), r.temporaryIdentity));
      // The ready datadir, restarted as itself, still holds what each peer had when its catch-up ended (the peers may
      // have written on since: the node follows its sources again afterwards).
      ctx.checks.push(
        coversEvery(
          r.node.adapter.gtid,
          node,
          r.finalGtid,
          r.peers.map((p) => ({ name: p.peer, gtid: p.reachedGtid })),
        ),
      );
    },
  );

/** Records where the primary stands before it is lost (its last GTID, every GTID its binlogs hold, and when). */
export const notePrimaryPosition = (): Step =>
  step("note the primary's last position", async (ctx) => {
    ctx.state.primaryFinal = {
      gtid: await gtidExecuted(ctx.topo.primary),
      committed: await committedGtids(ctx.topo.primary),
      at: Date.now(),
    };
  });

/**
 * The real RPO of restoring the backup alone, measured two ways that must agree: the acknowledged writes the
 * restored node lacks (ledger), and the transactions the primary committed after the backup's GTID point.
 */
export const rpoOfBackupAlone = (node: string): Step =>
  withNodes(
    { uses: [node] },
    step(`RPO of the backup alone on ${node}`, async (ctx) => {
      const n = ctx.topo.get(node);
      const { manifest } = latest(ctx);
      const final = need(ctx.state.primaryFinal, "the primary's final position was not noted");
      const present = new Set(await presentLedgerIds(n, ctx.workload.db));
      const acked = ctx.workload.ledger.byOutcome('acked');
      const lost = acked.filter((e) => !present.has(e.id));
      // Counted from the GTIDs the primary's binlogs held (never from sequence-number arithmetic).
      const afterPoint = n.adapter.gtid.transactionsBetween(manifest.position.gtid, final.gtid, final.committed);
      ctx.state.expectedLoss = afterPoint;
      const newestKept = acked.reduce((m, e) => (present.has(e.id) ? Math.max(m, e.doneAt) : m), 0);
      const rpo = {
        lostAcknowledgedWrites: lost.length,
        firstLostId: lost[0]?.id,
        lastLostId: lost[lost.length - 1]?.id,
        transactionsAfterBackupPoint: afterPoint,
        backupGtid: manifest.position.gtid,
        primaryFinalGtid: final.gtid,
        secondsFromBackupPointToFailure: newestKept ? (final.at - newestKept) / 1000 : null,
      };
      ctx.observations[observationName.rpoOfTheBackupAlone] = rpo;
      ctx.checks.push(
        check(
          checkName.rpoEqualsTransactionsAfterBackupPoint,
          lost.length === afterPoint
            ? []
            : [
                {
                  database: '*',
                  object: node,
                  kind: 'rpo-mismatch',
                  expected: afterPoint,
                  actual: lost.length,
                },
              ],
          rpo,
        ),
      );
    }),
  );
