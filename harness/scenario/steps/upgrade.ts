/**
 * The pre-upgrade drill's steps: a backup restored onto the target version, the incompatibility report, the query
 * replay on both versions, a replica upgraded in place, and the one go/no-go verdict. The rolling upgrade's
 * switchovers are in rolling-upgrade.ts.
 */
import { flavor as flavorById, type FlavorId } from '../../core/index.js';
import { restoreArtifact } from '../../restore/index.js';
import { NodeDefinition } from '../../runtime/node.js';
import { runUpgradeTool } from '../../runtime/upgrade-tool.js';
import { gtidReplicaPos, waitCaughtUp } from '../../runtime/replication.js';
import { upgradeSql } from '../../sql/index.js';
import { check, compareSnapshots, gtidPositionsEqual, takeSnapshot, type Difference } from '../../verify/index.js';
import { goNoGo, incompatibilityReport, loadRuleSet, readInventory, replayQueries } from '../../verify/upgrade/index.js';
import { queriesToReplay, sessionStatements } from '../../workload/replay-input.js';
import { checkName, observationName } from '../names.js';
import type { Step } from '../types.js';
import { latest, restoredServerId, step, withNodes } from './common.js';
import {
  currentPrimary,
  datadirHandedTo,
  findings,
  flavorContext,
  judgedOptions,
  optionVerdicts,
  upgradeTarget,
} from './upgrade-context.js';

/**
 * Pre-upgrade validation: restores the latest artifact onto another flavor (a newer server), runs its upgrade,
 * and verifies. Data (CHECK TABLE, CHECKSUM TABLE) must be unchanged; objects must all be there; definitions the
 * upgrade rewrote are reported apart (observation "upgrade changed"), not as data loss.
 */
export const restoreOnto = (as: string, flavorId: FlavorId): Step =>
  withNodes(
    { creates: [as] },
    step(`restore the latest artifact onto ${flavorId} as ${as}, upgrade, verify`, async (ctx) => {
      const a = latest(ctx);
      const target = await flavorContext(ctx, flavorId);
      const r = await restoreArtifact(target, a.dir, { name: as, serverId: restoredServerId(ctx), readOnly: true });
      ctx.topo.add(r.node);
      const t0 = Date.now();
      const upgrade = r.node.adapter.upgrade.length
        ? (await runUpgradeTool(r.node, r.node.adapter.upgrade)).stdout.trim().split('\n').slice(-3)
        : ['(upgrades itself at start)'];
      const snap = await takeSnapshot(r.node, undefined, { against: a.manifest.snapshot });
      const [health, checksums, objects] = compareSnapshots(a.manifest.snapshot, snap);
      ctx.checks.push(
        { ...health!, name: checkName.onNode(as, 'check-table') },
        { ...checksums!, name: checkName.onNode(as, 'checksum-table') },
      );
      const diffs = (objects!.details['differences'] as Difference[]) ?? [];
      const rewritten = diffs.filter((d) => d.kind.endsWith('-definition-differs'));
      ctx.checks.push(
        check(
          checkName.schemaObjectsAllPresent(as),
          diffs.filter((d) => !d.kind.endsWith('-definition-differs')),
          { objectsCompared: objects!.details['objectsCompared'] },
        ),
      );
      ctx.checks.push(
        gtidPositionsEqual(r.node.adapter.gtid, a.manifest.position.gtid, await gtidReplicaPos(r.node), checkName.gtidEqualsManifest(as)),
      );
      const [ver] = await r.node.query<{ v: string }>(r.node.adapter.dialect.version());
      ctx.observations[observationName.upgradeChanged(as)] = {
        from: a.manifest.serverVersion,
        to: ver?.v,
        method: a.manifest.method,
        upgradeMs: Date.now() - t0,
        upgradeOutput: upgrade,
        definitionsRewritten: rewritten.map((d) => ({
          object: `${d.database}.${d.object}`,
          kind: d.kind,
          where: d.where,
          before: d.expected,
          after: d.actual,
        })),
      };
    }),
  );

/** Restores the latest artifact onto the target version (the drill's --to), upgrades and verifies it. */
export const restoreOntoTarget = (as: string): Step =>
  withNodes(
    { creates: [as] },
    step(`restore the latest artifact onto the target version as ${as}, upgrade, verify`, async (ctx) => {
      await restoreOnto(as, upgradeTarget(ctx)).run(ctx);
    }),
  );

/**
 * Reads the old server (schema, routines, views, triggers, events, accounts, variables) and judges it against the
 * rules of the version step and against a fresh server of the target version (sql_mode values, plugins, and the
 * user's option file parsed by the target's own binary). Nothing moves.
 */
export const incompatibilityReportOf = (node: string): Step =>
  step(`incompatibility report of ${node} for the target version`, async (ctx) => {
    const n = ctx.topo.get(node);
    const to = upgradeTarget(ctx);
    const rules = loadRuleSet(n.adapter.flavor, flavorById(to));
    const target = await flavorContext(ctx, to);
    // The probe answers what the target version itself does (sql_mode values, plugins): it runs without the user's file.
    const probe = await new NodeDefinition(
      { ...target, serverConfig: undefined },
      { name: 'target-probe', server: { serverId: 900 } },
    ).start();
    try {
      const cfg = ctx.tctx.serverConfig?.cfg;
      const cfgFile = cfg?.path;
      let config: Parameters<typeof incompatibilityReport>[0]['config'];
      if (cfgFile) config = { options: judgedOptions(ctx), verdicts: await optionVerdicts(ctx, to, target.image) };
      const old = await readInventory(n);
      const f = await incompatibilityReport({ rules, old, target: probe, config });
      findings(ctx).push(...f);
      ctx.observations[observationName.incompatibilityReport] = {
        from: old.version,
        to,
        rules: rules.file,
        serverConfig: cfgFile ?? null,
        // an earlier step of the path commented these out (a DBA acted on that step's findings): not judged again
        ...(cfg?.leftOut?.length ? { serverConfigLeftOut: cfg.leftOut } : {}),
        objectsRead: old.objects.length,
        identifiersRead: old.identifiers.length,
        accountsRead: old.accounts.length,
        findings: f.length,
        blocking: f.filter((x) => x.severity === 'blocking').length,
      };
    } finally {
      await probe.destroy();
    }
  });

/** Replays the queries on an old-version node and an upgraded one holding the same data (both caught up). */
export const replayOn = (oldNode: string, newNode: string): Step =>
  step(`replay the queries on ${oldNode} and ${newNode}`, async (ctx) => {
    const a = ctx.topo.get(oldNode);
    const b = ctx.topo.get(newNode);
    const src = currentPrimary(ctx);
    const queries = queriesToReplay(String(ctx.params['queries'] ?? 'sample'), {
      workloadDb: ctx.workload.db,
      targetsDb: ctx.own.targets,
      dataset: ctx.dataset,
    });
    // The same data on both sides: the application pauses while the queries run (the ledger moves otherwise).
    await ctx.workload.stop();
    for (const n of [a, b]) if (n !== src) await waitCaughtUp(n, src, 300);
    const r = await replayQueries({ name: oldNode, connect: () => a.connect() }, { name: newNode, connect: () => b.connect() }, queries, {
      session: sessionStatements(String(ctx.params['session'] ?? '')),
      runs: Number(ctx.params['runs'] ?? 5),
      slowFactor: Number(ctx.params['slowFactor'] ?? 2),
      slowMinMs: Number(ctx.params['slowMs'] ?? 25),
      // F32: a MEMORY table's rows are not on a physically copied or restarted side: its reads are notes, not findings
      rowsNotCarried: ctx.limits.filter(
        (l) => l.notCarried === 'rows' && (!l.nodes || l.nodes.includes(oldNode) || l.nodes.includes(newNode)),
      ),
    });
    ctx.workload.start();
    findings(ctx).push(...r.findings);
    ctx.observations[observationName.queryReplay] = {
      sessions: r.sessions,
      queries: r.queries,
      replayed: r.replayed,
      failedOnBoth: r.failedOnBoth,
      skipped: r.skipped,
      differences: r.comparisons
        .filter((c) => c.differences.length)
        .map((c) => ({ sql: c.sql, differences: c.differences, digests: { old: c.old?.digest, new: c.new?.digest } })),
      note: 'sessions run SET NAMES <charset> without a collation: mysql2 announces utf8mb4_unicode_ci in its handshake, which would pin the collation on both servers',
    };
  });

/**
 * Upgrades a replica in place: replication stopped, slow shutdown, the container removed (the datadir volume
 * stays), a container of the target version started on the same datadir, mariadb-upgrade, replication resumed.
 */
export const upgradeInPlace = (node: string): Step => ({
  restartsNode: true,
  ...step(`upgrade ${node} in place to the target version`, async (ctx) => {
    const n = ctx.topo.get(node);
    const to = upgradeTarget(ctx);
    const t0 = Date.now();
    await n.query(n.adapter.dialect.stopReplica());
    await n.query(upgradeSql.slowShutdown());
    await n.stop();
    await n.remove();
    const target = await datadirHandedTo(ctx, to, node, n.volume);
    const up = await new NodeDefinition(target, {
      ...n.spec,
      datadirVolume: n.volume,
      skipBootstrap: true,
      server: { ...n.spec.server, skipReplicaStart: true },
    }).start();
    const out = up.adapter.upgrade.length ? (await runUpgradeTool(up, up.adapter.upgrade)).stdout.trim().split('\n').slice(-2) : [];
    await up.query(up.adapter.dialect.startReplica());
    ctx.topo.add(up);
    const caught = await waitCaughtUp(up, currentPrimary(ctx), 300);
    const [v] = await up.query<{ v: string }>(up.adapter.dialect.version());
    ctx.observations[observationName.inPlaceUpgrade(node)] = {
      from: n.adapter.flavor.id,
      to,
      version: v?.v,
      ms: Date.now() - t0,
      upgradeOutput: out,
      caughtUpInMs: caught.waitedMs,
    };
  }),
});

/** The one go/no-go verdict: every finding with its severity; the drill fails when one blocks. */
export const goNoGoVerdict = (): Step =>
  step('go / no-go', async (ctx) => {
    const g = goNoGo(findings(ctx));
    ctx.observations[observationName.goNoGo] = g;
    ctx.checks.push(
      check(
        checkName.preUpgradeNoBlockingFinding,
        g.findings
          .filter((f) => f.severity === 'blocking')
          .map((f) => ({
            database: '*',
            object: f.where,
            kind: `${f.source}:${f.kind}`,
            actual: f.message,
          })),
        { verdict: g.verdict, blocking: g.blocking, warnings: g.warnings, info: g.info },
      ),
    );
  });
