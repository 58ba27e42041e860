import { existsSync, readFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { FLAVORS, flavor as flavorById, UsageError, type FlavorId } from '../../core/index.js';
import { waitUntil } from '../../exec/index.js';
import { restoreArtifact } from '../../restore/index.js';
import { NodeDefinition, type StartedNode } from '../../runtime/node.js';
import { probeOptions, type OptionVerdict } from '../../runtime/option-probe.js';
import { withoutOptions } from '../../runtime/server-config.js';
import type { TopologyContext } from '../../runtime/context.js';
import { projectRoot } from '../../runtime/paths.js';
import { gtidReplicaPos, waitCaughtUp } from '../../runtime/replication.js';
import { catchUpOrRefusal, replicateOrRefusal } from '../../runtime/replication-attempt.js';
import { withFlavor } from '../../runtime/topology.js';
import { datasetSql, upgradeSql, workloadSql } from '../../sql/index.js';
import {
  check,
  compareData,
  compareSnapshots,
  gtidPositionsEqual,
  ledgerCheck,
  presentLedgerIds,
  takeSnapshot,
  type Difference,
} from '../../verify/index.js';
import {
  goNoGo,
  incompatibilityReport,
  loadRuleSet,
  parseOptionFile,
  parseQueries,
  readInventory,
  replayQueries,
  serverOptions,
  splitStatements,
  type Finding,
  type LoggedQuery,
} from '../../verify/upgrade/index.js';
import { checkName, observationName } from '../names.js';
import type { DrillContext, ParamSpec, Params, Step } from '../types.js';
import { ackedTotal, latest, restoredServerId, step, withNodes } from './common.js';
import { switchPrimaryRole } from './switchover.js';

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
        ? (await r.node.container.exec(r.node.adapter.upgrade, { timeoutMs: 30 * 60_000 })).stdout.trim().split('\n').slice(-3)
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

// ---- pre-upgrade validation (issue 15) ----

export const DEFAULT_UPGRADE_TARGET: FlavorId = 'mariadb-11.8';

/**
 * The pre-upgrade drill's parameters: `to=<flavor>`, `queries=<file>|sample|workload`, the replay's session
 * statements (`session='SET SESSION sql_mode=…; SET …'`), runs per side and its slowness threshold.
 */
export const upgradeParams = (): Record<'to' | 'queries' | 'session' | 'runs' | 'slowFactor' | 'slowMs', ParamSpec> => ({
  to: { type: 'string', default: DEFAULT_UPGRADE_TARGET, description: 'the version to upgrade to (a flavor id)' },
  queries: {
    type: 'string',
    default: 'sample',
    description:
      "the team's queries to replay on both versions: a slow query log, a general query log or a file of statements; 'sample' (a count per table of the dataset; Sakila's sample queries on Sakila) or 'workload' (the drill's own statements)",
  },
  session: {
    type: 'string',
    default: '',
    description:
      "SET statements the application runs when it connects, separated by ';' (after SET NAMES utf8mb4, which names no collation)",
  },
  runs: { default: 5, min: 1, description: 'timed runs of each read per side (after one warm-up run); their medians are compared' },
  slowFactor: { default: 2, min: 1, description: 'a read is slower when its new median exceeds the old one by this factor and by slowMs' },
  slowMs: { default: 25, min: 0, description: 'a read is slower when its new median also exceeds the old one by this many ms' },
});

/** The replay's session statements: SET statements only (anything else would change data or state). */
function sessionStatements(params: Params): string[] {
  const list = splitStatements(String(params['session'] ?? ''))
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.find((s) => !/^SET\s/i.test(s));
  if (bad) throw new UsageError(`--session: only SET statements set up a session (got: ${bad.slice(0, 60)})`);
  return list;
}

/** Bad pre-upgrade input, before anything starts: an unknown or same target, no rules for the step, no queries file. */
export function validateUpgradeParams(params: Params, from: FlavorId): void {
  const to = flavorById(String(params['to'])).id;
  if (to === from) throw new UsageError(`the upgrade goes from ${from} to the same version (--to / --param to=${to})`);
  loadRuleSet(flavorById(from), flavorById(to));
  sessionStatements(params);
  const q = String(params['queries']);
  if (q === 'sample' || q === 'workload') return;
  if (!existsSync(q)) throw new UsageError(`--queries ${q}: no such file`);
  if (!parseQueries(readFileSync(q, 'utf8'), q).length) throw new UsageError(`--queries ${q}: no statement found`);
}

const upgradeTarget = (ctx: DrillContext): FlavorId => flavorById(String(ctx.params['to'] ?? DEFAULT_UPGRADE_TARGET)).id;

/** What a version says of the user's option file (its own binary parses it); once per version and drill. */
function optionVerdicts(ctx: DrillContext, flavorId: FlavorId, image: string): Promise<OptionVerdict[]> {
  const sc = ctx.tctx.serverConfig;
  if (!sc) return Promise.resolve([]);
  let v = ctx.state.optionVerdicts.get(flavorId);
  if (!v) {
    const options = serverOptions(parseOptionFile(sc.cfg.path));
    ctx.progress(`  asking ${flavorId} about ${options.length} option(s) of ${sc.cfg.path}`);
    v = probeOptions(ctx.run, image, FLAVORS[flavorId].family, options);
    ctx.state.optionVerdicts.set(flavorId, v);
  }
  return v;
}

/**
 * How nodes of another version start in this drill: that version's image, and the user's option file (applied to
 * every node, issue 9) without the options that version refuses, so its nodes start on the rest of the file while
 * each refusal stays a blocking finding of the incompatibility report. The overrides land in the same result.
 */
function flavorContext(ctx: DrillContext, flavorId: FlavorId): Promise<TopologyContext> {
  let c = ctx.state.flavorContexts.get(flavorId);
  if (!c) {
    c = (async () => {
      const t = await withFlavor(ctx.tctx, flavorId);
      const sc = ctx.tctx.serverConfig;
      if (!sc) return t;
      const refused = (await optionVerdicts(ctx, flavorId, t.image)).filter((v) => v.verdict === 'refused').map((v) => v.name);
      const { cfg, removed } = withoutOptions(sc.cfg, refused, `${flavorId} refuses it`);
      if (!removed.length) return t;
      ctx.progress(
        `  ${flavorId} nodes start without ${removed.map((r) => `${r.option} (line ${r.line})`).join(', ')}: ${flavorId} refuses it`,
      );
      ctx.observations[observationName.serverConfigFor(flavorId)] = { file: sc.cfg.path, removed, why: `${flavorId} refuses them` };
      return { ...t, serverConfig: { ...sc, cfg } };
    })();
    ctx.state.flavorContexts.set(flavorId, c);
  }
  return c;
}
const findings = (ctx: DrillContext): Finding[] => ctx.state.upgradeFindings;
const currentPrimary = (ctx: DrillContext): StartedNode => ctx.topo.get(ctx.state.currentPrimary ?? 'primary');

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
      const cfgFile = ctx.tctx.serverConfig?.cfg.path;
      let config: Parameters<typeof incompatibilityReport>[0]['config'];
      if (cfgFile) config = { options: serverOptions(parseOptionFile(cfgFile)), verdicts: await optionVerdicts(ctx, to, target.image) };
      const old = await readInventory(n);
      const f = await incompatibilityReport({ rules, old, target: probe, config });
      findings(ctx).push(...f);
      ctx.observations[observationName.incompatibilityReport] = {
        from: old.version,
        to,
        rules: rules.file,
        serverConfig: cfgFile ?? null,
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

/** The queries to replay: the user's file (slow log, general log or statements), the drill's workload, or a sample. */
function queriesFor(ctx: DrillContext): LoggedQuery[] {
  const given = String(ctx.params['queries'] ?? 'sample');
  if (given === 'workload') return parseQueries(workloadSql.replayableWorkload(ctx.workload.db, ctx.own.targets), "the drill's workload");
  // No queries of the team's and a dataset of its own: count every table of it (the sample queries are Sakila's).
  if (given === 'sample' && ctx.dataset.kind !== 'sakila')
    return parseQueries(datasetSql.sampleQueries(ctx.dataset.tableNames), `${ctx.dataset.name} (a count per table)`);
  const file = given === 'sample' ? join(projectRoot, 'fixtures', 'pre-upgrade', 'sakila-queries.sql') : resolvePath(given);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--queries ${file}: ${(e as Error).message}`);
  }
  return parseQueries(text, file.replace(/^.*\//, ''));
}

/** Replays the queries on an old-version node and an upgraded one holding the same data (both caught up). */
export const replayOn = (oldNode: string, newNode: string): Step =>
  step(`replay the queries on ${oldNode} and ${newNode}`, async (ctx) => {
    const a = ctx.topo.get(oldNode);
    const b = ctx.topo.get(newNode);
    const src = currentPrimary(ctx);
    const queries = queriesFor(ctx);
    // The same data on both sides: the application pauses while the queries run (the ledger moves otherwise).
    await ctx.workload.stop();
    for (const n of [a, b]) if (n !== src) await waitCaughtUp(n, src, 300);
    const r = await replayQueries({ name: oldNode, connect: () => a.connect() }, { name: newNode, connect: () => b.connect() }, queries, {
      session: sessionStatements(ctx.params),
      runs: Number(ctx.params['runs'] ?? 5),
      slowFactor: Number(ctx.params['slowFactor'] ?? 2),
      slowMinMs: Number(ctx.params['slowMs'] ?? 25),
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
export const upgradeInPlace = (node: string): Step =>
  step(`upgrade ${node} in place to the target version`, async (ctx) => {
    const n = ctx.topo.get(node);
    const to = upgradeTarget(ctx);
    const t0 = Date.now();
    await n.query(n.adapter.dialect.stopReplica());
    await n.query(upgradeSql.slowShutdown());
    await n.stop();
    await n.remove();
    const target = await flavorContext(ctx, to);
    const up = await new NodeDefinition(target, {
      ...n.spec,
      datadirVolume: n.volume,
      skipBootstrap: true,
      server: { ...n.spec.server, skipReplicaStart: true },
    }).start();
    const out = up.adapter.upgrade.length
      ? (await up.container.exec(up.adapter.upgrade, { timeoutMs: 30 * 60_000 })).stdout.trim().split('\n').slice(-2)
      : [];
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
  });

/**
 * Switches the primary role to `to`: the old primary is made read-only and the application stops writing to it;
 * `to` catches up, stops replicating and becomes writable; the application writes to it; every other node
 * (including the old primary, the rollback target) replicates from it. The write-unavailability window is measured
 * from the ledger. A replication direction the servers refuse is a finding with the server's error, not a crash.
 */
export const switchover = (to: string, label: string): Step =>
  step(`${label}: switch over to ${to}`, async (ctx) => {
    const old = currentPrimary(ctx);
    const nw = ctx.topo.get(to);
    const behind = [...ctx.state.replicationRefused.values()].some((names) => names.includes(to));
    if (behind) {
      // The target never replicated (the servers refused that direction): switching to it would lose writes. The
      // README promises the rollback is exercised: not doing it fails the drill (and blocks the go), saying why.
      const why = `${label}: not attempted: ${to} (${nw.adapter.flavor.id}) does not replicate from ${old.name} (${old.adapter.flavor.id}), so it is no rollback target; the way back is a restore of the last backup taken on the old version`;
      findings(ctx).push({
        severity: 'blocking',
        source: 'rolling-upgrade',
        kind: 'no-rollback-path',
        where: `${old.name} -> ${to}`,
        message: why,
      });
      ctx.observations[observationName.switchover(label)] = {
        from: old.name,
        to,
        attempted: false,
        reason: `${to} does not replicate from ${old.name}`,
      };
      ctx.checks.push(
        check(checkName.switchoverExercised(label), [
          { database: '*', object: `${old.name} -> ${to}`, kind: 'not-attempted', actual: why },
        ]),
      );
      return;
    }
    const m = await switchPrimaryRole(ctx, old, nw);
    const refused: Array<{ node: string; error: string }> = [];
    for (const n of ctx.topo.all()) {
      if (n === nw) continue;
      if (n === old) await n.query(upgradeSql.adoptOwnPositionAsReplica());
      const r = await replicateOrRefusal(n, nw, ctx.tctx.creds);
      if (!r.ok) refused.push({ node: n.name, error: r.error });
    }
    for (const r of refused) {
      findings(ctx).push({
        severity: 'warning',
        source: 'rolling-upgrade',
        kind: 'replication-refused',
        where: `${r.node} <- ${to}`,
        message: `${label}: ${r.node} (${ctx.topo.get(r.node).adapter.flavor.id}) cannot replicate from ${to} (${nw.adapter.flavor.id}); the server said: ${r.error}`,
        cite: "the replica's own replication error (SHOW ALL SLAVES STATUS)",
      });
    }
    const { switchMs, ...w } = m;
    findings(ctx).push({
      severity: 'info',
      source: 'rolling-upgrade',
      kind: `${label}-window`,
      where: `${old.name} (${old.adapter.flavor.id}) -> ${to} (${nw.adapter.flavor.id})`,
      message: `${label}: writes unavailable for ${w.writeUnavailableMs} ms (longest stretch without an acknowledged write, from the ledger: ${w.fromIso} -> ${w.toIso}); ${w.refused} write(s) refused, ${w.indeterminate} indeterminate; switch took ${switchMs} ms`,
      evidence: m,
    });
    ctx.checks.push(check(checkName.switchoverExercised(label), [], { from: old.name, to, switchMs }));
    ctx.observations[observationName.switchover(label)] = {
      from: old.name,
      to,
      attempted: true,
      fromFlavor: old.adapter.flavor.id,
      toFlavor: nw.adapter.flavor.id,
      ...m,
      replicasRefused: refused,
    };
    ctx.state.replicationRefused.set(
      label,
      refused.map((r) => r.node),
    );
  });

/** Every node equals the current primary row for row and holds every acknowledged write of the ledger. */
export const allEqualAndWhole = (label: string): Step =>
  step(`${label}: every node equals the primary and holds the ledger`, async (ctx) => {
    const p = currentPrimary(ctx);
    await ctx.workload.stop();
    const refused = new Set([...ctx.state.replicationRefused.values()].flat());
    for (const n of ctx.topo.all()) {
      if (n === p || refused.has(n.name)) continue;
      const r = await catchUpOrRefusal(n, p, 300);
      if (!r.ok) {
        // e.g. an old-version replica meeting DDL only the new version knows: the servers' refusal, as a finding
        refused.add(n.name);
        ctx.state.replicationRefused.set(label, [...(ctx.state.replicationRefused.get(label) ?? []), n.name]);
        findings(ctx).push({
          severity: 'warning',
          source: 'rolling-upgrade',
          kind: 'replication-refused',
          where: `${n.name} <- ${p.name}`,
          message: `${label}: ${n.name} (${n.adapter.flavor.id}) stopped replicating from ${p.name} (${p.adapter.flavor.id}); the server said: ${r.error}`,
          cite: "the replica's own replication error (SHOW ALL SLAVES STATUS)",
        });
        continue;
      }
      ctx.checks.push({ ...(await compareData(p, n)), name: checkName.equalsAfter(label, n.name, p.name) });
    }
    for (const n of ctx.topo.all()) {
      if (refused.has(n.name)) continue;
      const c = ledgerCheck(checkName.ledgerAfter(label, n.name), ctx.workload.ledger, await presentLedgerIds(n, ctx.workload.db));
      ctx.checks.push(c);
      if (!c.valid)
        findings(ctx).push({
          severity: 'blocking',
          source: 'rolling-upgrade',
          kind: 'data-lost',
          where: n.name,
          message: `${label}: ${n.name} lacks acknowledged writes or holds writes the clients did not make`,
          evidence: c.details,
        });
    }
    // The application writes again before anything else is measured (a switchover's window must not include this pause).
    const base = ackedTotal(ctx);
    ctx.workload.start();
    await waitUntil(
      async () => ackedTotal(ctx) - base,
      (k) => k >= 20,
      { what: `20 acknowledged writes on ${p.name} after the comparison`, timeoutMs: 60_000, intervalMs: 20 },
    );
  });

/** Restores the latest artifact onto the target version (the drill's --to), upgrades and verifies it. */
export const restoreOntoTarget = (as: string): Step =>
  withNodes(
    { creates: [as] },
    step(`restore the latest artifact onto the target version as ${as}, upgrade, verify`, async (ctx) => {
      await restoreOnto(as, upgradeTarget(ctx)).run(ctx);
    }),
  );

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
