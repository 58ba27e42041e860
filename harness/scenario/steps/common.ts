import { waitUntil } from '../../exec/index.js';
import { withFault, type Fault } from '../../faults/index.js';
import { waitCaughtUp } from '../../runtime/replication.js';
import { observationName } from '../names.js';
import type { DrillContext, Step } from '../types.js';

/**
 * Test-only switch for defects planted on purpose (FIREDRILL_PLANTED_DEFECT=name): the generative chaos test proves
 * it finds and shrinks them. Never set in a real drill.
 */
export const plantedDefect = (name: 'restore-skips-binlogs' | 'galera-failover-loses-a-write' | 'group-failover-loses-a-write'): boolean =>
  process.env['FIREDRILL_PLANTED_DEFECT'] === name;

/** A named runbook line. */
export const step = (name: string, run: (ctx: DrillContext) => Promise<void>, faults?: readonly Fault[]): Step => ({
  name,
  run,
  ...(faults ? { faults } : {}),
});

/**
 * A step with the nodes it works on (the topology's, or made by an earlier step) and the nodes it makes (a restore's):
 * defineScenario checks them in order, so a misspelt node name fails before anything starts.
 */
export const withNodes = (nodes: NonNullable<Step['nodes']>, s: Step): Step => ({ ...s, nodes });

/** Acknowledged writes so far, over every primary's workload. */
export const ackedTotal = (ctx: DrillContext) => [...ctx.workloads.values()].reduce((s, w) => s + w.ledger.summary().acked, 0);

/** Waits until the workload has had `acked` more writes acknowledged, so what follows happens under load. */
export const underLoad = (acked = 200, timeoutS = 120): Step =>
  step(`wait for ${acked} more acknowledged writes`, async (ctx) => {
    const base = ackedTotal(ctx);
    await waitUntil(
      async () => ackedTotal(ctx) - base,
      (n) => n >= acked,
      { what: `${acked} more acknowledged writes from the workload`, timeoutMs: timeoutS * 1000, intervalMs: 100 },
    );
  });

/** Injects a fault and heals it (heal always runs); the record goes into the result. */
export const inject = (fault: Fault): Step =>
  step(
    `inject ${fault.kind} on ${fault.target}`,
    async (ctx) => {
      const { record } = await withFault(ctx.faultEnv, fault);
      ctx.faults.push(record);
    },
    [fault],
  );

/** Injects a fault, runs the steps while it holds, then heals it (the heal runs whatever the steps do). */
export const whileFaulted = (fault: Fault, steps: readonly Step[]): Step => ({
  physicalCopy: steps.find((s) => s.physicalCopy)?.physicalCopy,
  logicalCopy: steps.find((s) => s.logicalCopy)?.logicalCopy,
  restartsNode: steps.find((s) => s.restartsNode)?.restartsNode,
  ...withNodes(
    { uses: steps.flatMap((s) => s.nodes?.uses ?? []), creates: steps.flatMap((s) => s.nodes?.creates ?? []) },
    step(
      `while ${fault.kind} on ${fault.target}: ${steps.map((s) => s.name).join('; ')}`,
      async (ctx) => {
        const { record } = await withFault(ctx.faultEnv, fault, async () => {
          for (const s of steps) await s.run(ctx);
        });
        ctx.faults.push(record);
      },
      [fault, ...steps.flatMap((s) => s.faults ?? [])],
    ),
  ),
});

/** The harness's own accounts (created on each node by the harness itself): left out of account comparisons. */
export const harnessAccounts = (ctx: DrillContext) => [ctx.tctx.creds.admin, ctx.tctx.creds.repl];

/** The artifact a node of this drill was restored from (restoreLatest, a rebuild), if it was. */
export function restoredFrom(ctx: DrillContext, node: string): DrillContext['artifacts'][number] | undefined {
  const o = ctx.observations[observationName.restore(node)] ?? ctx.observations[observationName.catchUpRebuild(node)];
  const id = (o as { artifact?: string } | undefined)?.artifact;
  return id ? ctx.artifacts.find((a) => a.manifest.id === id) : undefined;
}

/** The newest artifact taken in this drill. */
export const latest = (ctx: DrillContext) => {
  const a = ctx.artifacts[ctx.artifacts.length - 1];
  if (!a) throw new Error('no backup artifact has been taken in this drill');
  return a;
};

/**
 * Server ids: the topology's nodes count up from 1; a restored node gets RESTORED_SERVER_ID_BASE + the next
 * one, a node catching up under a temporary identity TEMPORARY_SERVER_ID_BASE + the next one, so neither can
 * collide with a node of the topology (or with each other) and each is recognisable in a GTID.
 */
export const RESTORED_SERVER_ID_BASE = 100;
export const TEMPORARY_SERVER_ID_BASE = 4000;
export const restoredServerId = (ctx: DrillContext) => RESTORED_SERVER_ID_BASE + ctx.topo.nextServerId();
export const temporaryServerId = (ctx: DrillContext) => TEMPORARY_SERVER_ID_BASE + ctx.topo.nextServerId();

/** Waits (server-side) until the node has everything each of its sources has now. */
export async function catchUpAll(
  ctx: DrillContext,
  node: string,
  timeoutS: number,
): Promise<Array<{ source: string; gtid: string; waitedMs: number }>> {
  const n = ctx.topo.get(node);
  const out = [];
  for (const l of ctx.topo.sourcesOf(node)) out.push({ source: l.source.name, ...(await waitCaughtUp(n, l.source, timeoutS)) });
  return out;
}

/** Stops every write workload; the ledgers are final from here. */
export const stopWorkload = (): Step =>
  step('stop the write workload', async (ctx) => {
    for (const [name, w] of ctx.workloads) {
      await w.stop();
      ctx.observations[ctx.workloads.size > 1 ? observationName.workloadOf(name) : observationName.workload] = w.ledger.summary();
    }
  });

/** The application writes again, to whatever node now has each primary's name (e.g. a rebuilt primary). */
export const resumeWorkload = (): Step =>
  step('resume the write workload', async (ctx) => {
    for (const [name, w] of ctx.workloads) {
      w.moveTo(ctx.topo.get(name));
      w.start();
    }
  });

/** Every named node reaches its sources' final positions. */
export const converge = (nodes: readonly string[], timeoutS = 300): Step =>
  withNodes(
    { uses: nodes },
    step(`${nodes.join(', ')} converge`, async (ctx) => {
      for (const name of nodes) await catchUpAll(ctx, name, timeoutS);
    }),
  );

/**
 * Starts a stopped node again and waits until it answers (e.g. a wiped Galera node, which answers only once its SST
 * is complete: give it `readyTimeoutS` on a loaded machine).
 */
export const startNode = (node: string, readyTimeoutS?: number): Step =>
  withNodes(
    { uses: [node] },
    step(`start ${node}`, async (ctx) => {
      const t0 = Date.now();
      await ctx.topo.get(node).restart(readyTimeoutS === undefined ? undefined : readyTimeoutS * 1000);
      ctx.observations[observationName.start(node)] = { untilAnsweringMs: Date.now() - t0 };
    }),
  );
