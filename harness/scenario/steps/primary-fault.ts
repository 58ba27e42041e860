// What happens to the primary in a failover drill (the `fault` parameter): SIGKILLed and left down; frozen (docker
// pause) past the detection timeout; cut off the network; or cut off its replicas while clients on its side still write
// to it (a split brain). A freeze, partition or split brain holds until the old primary returns.
import type { Fault } from '../../faults/index.js';
import { withFault } from '../../faults/index.js';
import { replicaStates } from '../../runtime/replication.js';
import type { StartedNode } from '../../runtime/node.js';
import type { DrillContext, Step } from '../types.js';
import { step, underLoad } from './common.js';
import { detect, failoverOf } from './failover.js';
import { splitTheClients } from './split-brain.js';

type PrimaryFault = 'kill' | 'freeze' | 'partition' | 'split-brain';
const faultOf = (ctx: DrillContext) => String(ctx.params['fault'] ?? 'kill') as PrimaryFault;

const FAULTS: Record<PrimaryFault, (target: string) => Fault> = {
  kill: (target) => ({ kind: 'kill', target, restart: false }),
  freeze: (target) => ({ kind: 'pause', target }),
  partition: (target) => ({ kind: 'partition', target }),
  'split-brain': (target) => ({ kind: 'isolate', target }),
};

/**
 * A frozen or cut-off primary is only noticed by its replicas after their net timeout: with `fault` freeze or
 * partition, every replica gives a silent source up after `replicaNetTimeoutS` (heartbeats at half of it).
 */
export const replicaNetTimeout = (): Step =>
  step('the replicas give a silent primary up after replicaNetTimeoutS (every fault but kill)', async (ctx) => {
    if (faultOf(ctx) === 'kill') return;
    const s = Number(ctx.params['replicaNetTimeoutS'] ?? 4);
    for (const r of ctx.topo.replicas) {
      await r.query(r.adapter.dialect.stopReplica());
      for (const q of r.adapter.failover.netTimeout(s)) await r.query(q);
      await r.query(r.adapter.dialect.startReplica());
    }
    ctx.observations['replica net timeout'] = { seconds: s, heartbeatSeconds: s / 2, replicas: ctx.topo.replicas.map((r) => r.name) };
  });

/** With `stallWrites` > 0: every replica's IO thread stopped (delayed ones first), then that many writes nobody receives. */
async function stall(ctx: DrillContext, writes: number): Promise<void> {
  const delayed = async (r: StartedNode) => ((await replicaStates(r))[0]?.delaySeconds ?? 0) > 0;
  const all = await Promise.all(ctx.topo.replicas.map(async (r) => ({ r, delayed: await delayed(r) })));
  for (const group of [all.filter((x) => x.delayed), all.filter((x) => !x.delayed)])
    await Promise.all(group.map(({ r }) => r.query(r.adapter.failover.stopIoThread())));
  const t0 = Date.now();
  await underLoad(writes).run(ctx);
  ctx.observations['replication stall'] = { writes, ms: Date.now() - t0, replicas: ctx.topo.replicas.map((r) => r.name) };
}

/**
 * The primary fails under load (`fault`): SIGKILLed and left down, or frozen / cut off / cut off its replicas until it
 * returns (oldPrimaryReturns thaws, reconnects or lets it hear its peers again). The failure detector starts with the
 * fault.
 */
export const primaryFault = (): Step =>
  step(
    'the primary fails under load (fault: kill, freeze, partition or split-brain)',
    async (ctx) => {
      const f = failoverOf(ctx);
      const writes = Number(ctx.params['stallWrites'] ?? 0);
      if (writes > 0) await stall(ctx, writes);
      const fault = FAULTS[faultOf(ctx)](f.failed);
      f.faultAt = Date.now();
      // The new side's clients lose the old primary with the cut; the old side's keep writing to it.
      if (fault.kind === 'isolate') await splitTheClients(ctx, f);
      f.detector = detect(ctx, f);
      f.detector.catch(() => undefined); // awaited by detectPrimaryFailure
      if (fault.kind === 'kill') {
        ctx.faults.push((await withFault(ctx.faultEnv, fault)).record);
        f.faultDoneAt = Date.now();
        return;
      }
      // Held until the old primary returns; the heal (thaw, reconnect) runs then, or at the drill's end whatever happens.
      let release = () => {};
      let injected = () => {};
      const hold = new Promise<void>((r) => (release = r));
      const inPlace = new Promise<void>((r) => (injected = r));
      const healed = withFault(ctx.faultEnv, fault, async () => {
        injected();
        await hold;
      }).then(({ record }) => {
        ctx.faults.push(record);
      });
      f.held = { release, healed };
      ctx.run.onTeardown(`heal the ${fault.kind} of ${f.failed}`, async () => {
        release();
        await healed.catch(() => undefined);
      });
      await Promise.race([inPlace, healed]);
      f.faultDoneAt = Date.now();
    },
    [FAULTS.kill('primary'), FAULTS.freeze('primary'), FAULTS.partition('primary'), FAULTS['split-brain']('primary')],
  );
