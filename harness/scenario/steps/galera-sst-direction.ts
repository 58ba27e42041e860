/**
 * Which direction a full state transfer (SST) works in while a Galera cluster runs two versions: a member's datadir
 * wiped, the member started again (its own version) with the donor forced (`--wsrep-sst-donor`). Each direction is a
 * recorded outcome; a refused one is a warning finding with the server's own lines, and the member is brought back by
 * a donor of its own version.
 */
import { waitUntil } from '../../exec/index.js';
import { galeraState, isSynced, waitGalera, type GaleraState } from '../../runtime/galera.js';
import { NodeDefinition, type StartedNode } from '../../runtime/node.js';
import { oneShot } from '../../runtime/oneshot.js';
import { runUpgradeTool } from '../../runtime/upgrade-tool.js';
import { judgeSstRejoin } from '../../verify/index.js';
import { observationName } from '../names.js';
import type { DrillContext, Step } from '../types.js';
import { step, withNodes } from './common.js';
import { findings } from './upgrade-context.js';

/** MariaDB's Galera upgrade page that says a rolling upgrade works with IST and not with SST. */
const GALERA_ROLLING_UPGRADE_DOC =
  'https://mariadb.com/docs/galera-cluster/galera-management/upgrading-galera-cluster/upgrading-from-mariadb-10-6-to-mariadb-10-11-with-galeracluster';

/** The joiner's log lines that say how its state transfer went (or why it did not). */
const TRANSFER_LINES = /SST|IST|State transfer|state transfer|\[ERROR\]|Aborting|failed/;

/** The line that says why a transfer failed: the joiner's first error line that is not the wsrep aftermath. */
export const telling = (lines: readonly string[]): string | undefined =>
  lines.find((l) => /\[ERROR\]/.test(l) && !/WSREP|signal|Aborting/.test(l)) ?? lines.find((l) => /\[ERROR\]/.test(l));

/** Stops the member, empties its datadir and starts it again on its own version with `donor` forced; Synced or thrown. */
async function rejoinEmptyFrom(ctx: DrillContext, n: StartedNode, donor: string): Promise<StartedNode> {
  const size = ctx.topo.members.length;
  await n.stop();
  await n.remove();
  await oneShot(n.context, {
    name: `${n.name}-wipe-${donor}`,
    volume: n.volume,
    argv: ['find', '/var/lib/mysql', '-mindepth', '1', '-delete'],
  });
  const spec = ctx.topo.specOf(n.name);
  const server = { ...spec.server, extra: [...(spec.server.extra ?? []), `--wsrep-sst-donor=${donor}`] };
  const def = new NodeDefinition(n.context, { ...spec, server, datadirVolume: n.volume, skipBootstrap: true });
  const up = await def.start();
  ctx.topo.add(up);
  await waitGalera(up, `to be Synced in a cluster of ${size} after an SST from ${donor}`, (s) => isSynced(s) && s.clusterSize === size, {
    timeoutS: 180,
  });
  return up;
}

/**
 * After a refused joiner crashed: the other members keep (or regain) a Primary component of their own. Seen here: the
 * joiner's crash right after its SST left the two others non-Primary (each alone for a moment, then merged without
 * quorum). Then the most advanced one is bootstrapped (pc.bootstrap), as a DBA would; what happened is returned.
 */
async function survivorsPrimary(ctx: DrillContext, joiner: string): Promise<Record<string, unknown>> {
  const others = ctx.topo.members.filter((m) => m.name !== joiner);
  const read = () =>
    Promise.all(
      others.map((m) =>
        galeraState(m).then(
          (s): GaleraState | undefined => s,
          () => undefined,
        ),
      ),
    );
  const ok = (ss: Array<GaleraState | undefined>) => ss.every((s) => s && isSynced(s) && s.clusterSize === others.length);
  try {
    await waitUntil(read, ok, {
      what: `${others.map((m) => m.name).join(', ')} Synced in a Primary component of ${others.length}`,
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    return { keptPrimary: true };
  } catch {
    const seen = await read();
    const best = others.reduce((a, b, i) => ((seen[i]?.lastCommitted ?? -1) > (seen[others.indexOf(a)]?.lastCommitted ?? -1) ? b : a));
    if (!best.adapter.galera) throw new Error(`${best.adapter.flavor.id} has no Galera`);
    await best.query(best.adapter.galera.bootstrapPrimaryComponent);
    await waitUntil(read, ok, {
      what: `${others.map((m) => m.name).join(', ')} Primary again after pc.bootstrap on ${best.name}`,
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    return {
      keptPrimary: false,
      statesSeen: seen.map((x, i) => ({ node: others[i]!.name, status: x?.clusterStatus, size: x?.clusterSize })),
      bootstrapped: best.name,
    };
  }
}

/**
 * `joiner` loses its datadir and asks `donor` (a member of the other version) for a full SST. Worked: it is Synced in
 * the whole cluster, its log says SST received; a joiner on the target version then runs the unlogged upgrade again
 * (it received the old version's files). Refused (it exits, or is not Synced in time): a warning finding with its
 * log's transfer lines, and it rejoins empty from `fallbackDonor` (a member of its own version).
 */
export const sstDirection = (joiner: string, donor: string, fallbackDonor: string): Step =>
  withNodes(
    { uses: [joiner, donor, fallbackDonor] },
    {
      restartsNode: true,
      ...step(`${joiner} rejoins empty by a full SST from ${donor} (the other version)`, async (ctx) => {
        const n = ctx.topo.get(joiner);
        const d = ctx.topo.get(donor);
        const old = ctx.tctx.adapter.flavor.id;
        const direction =
          n.adapter.flavor.id === old ? 'old-version joiner from a new-version donor' : 'new-version joiner from an old-version donor';
        const seen = { joiner: n.adapter.flavor.id, donor: d.adapter.flavor.id, direction, method: n.spec.server.galera?.sst };
        const t0 = Date.now();
        let up: StartedNode | undefined;
        let error = '';
        try {
          up = await rejoinEmptyFrom(ctx, n, donor);
        } catch (e) {
          error = String((e as Error).message ?? e).split('\n')[0] ?? '';
        }
        const name = observationName.sstDirection(joiner, donor);
        if (up) {
          const sst = judgeSstRejoin(joiner, await up.container.logsTail(20_000));
          const upgrade = up.adapter.flavor.id !== old && up.adapter.upgradeUnlogged.length > 0;
          const out = upgrade ? (await runUpgradeTool(up, up.adapter.upgradeUnlogged)).stdout.trim().split('\n').slice(-2) : [];
          ctx.observations[name] = {
            ...seen,
            outcome: 'worked',
            untilSyncedMs: Date.now() - t0,
            sstReceived: sst.valid,
            logLines: sst.details['logLines'],
            ...(upgrade ? { upgradeAfterSst: out } : {}),
          };
          return;
        }
        // the failed container has the member's name: the old handle reads its log and stops it
        const lines = (await n.container.logsTail(400).catch(() => ''))
          .split('\n')
          .filter((l) => TRANSFER_LINES.test(l))
          .slice(-12);
        ctx.observations[name] = { ...seen, outcome: 'refused', afterMs: Date.now() - t0, error, logLines: lines };
        findings(ctx).push({
          severity: 'warning',
          source: 'rolling-upgrade',
          kind: 'sst-direction-refused',
          where: `${joiner} (${seen.joiner}) <- ${donor} (${seen.donor})`,
          message: `a full state transfer (${seen.method} SST) to the ${direction} does not work while the cluster is mixed: ${telling(lines) ?? error}`,
          cite: GALERA_ROLLING_UPGRADE_DOC,
          evidence: { error, logLines: lines },
        });
        const survivors = await survivorsPrimary(ctx, joiner);
        if (!survivors['keptPrimary'])
          findings(ctx).push({
            severity: 'warning',
            source: 'rolling-upgrade',
            kind: 'sst-refusal-cost-quorum',
            where: `${joiner} <- ${donor}`,
            message: `when the refused joiner crashed, the other members lost their Primary component: ${String(survivors['bootstrapped'])} was bootstrapped (pc.bootstrap)`,
            evidence: survivors,
          });
        const t1 = Date.now();
        await rejoinEmptyFrom(ctx, n, fallbackDonor);
        ctx.observations[name] = {
          ...(ctx.observations[name] as Record<string, unknown>),
          survivors,
          rejoinedFrom: { donor: fallbackDonor, untilSyncedMs: Date.now() - t1 },
        };
      }),
    },
  );
