// Galera members crashing in quick succession (Jepsen's 2026 MariaDB Galera analysis found acknowledged transactions
// lost that way): the write node is SIGKILLed, then a second member a seeded interval after the first is dead. With
// three members the survivor loses quorum; it is made the Primary component only if it is the most advanced.
import { setTimeout as delay } from 'node:timers/promises';
import { seeded } from '../../core/index.js';
import { withFault, type Fault } from '../../faults/index.js';
import { galeraState } from '../../runtime/galera.js';
import { survivorMostAdvanced } from '../../verify/index.js';
import type { Step } from '../types.js';
import { step } from './common.js';
import { detect, failoverOf } from './failover.js';
import { bootstrapSurvivor, recoveredPosition } from './galera.js';

const KILL = (target: string): Fault => ({ kind: 'kill', target, restart: false });

/**
 * `first` (the write node) SIGKILLed under load, then `second` once `first` is dead plus an interval drawn from the
 * `seed` parameter in [0, maxIntervalMs). Both are left down; the failure detector starts with the first kill.
 */
export const crashesInQuickSuccession = (first: string, second: string): Step =>
  step(
    `${first} (the write node) SIGKILLed, then ${second} within a seeded interval`,
    async (ctx) => {
      const f = failoverOf(ctx);
      const seed = Number(ctx.params['seed'] ?? 1);
      const intervalMs = Math.floor(seeded(seed)() * Number(ctx.params['maxIntervalMs'] ?? 2000));
      f.faultAt = Date.now();
      f.detector = detect(ctx, f);
      f.detector.catch(() => undefined); // awaited by detectPrimaryFailure
      const seen = { firstDeadAt: 0, secondKilledAt: 0 };
      const outer = await withFault(ctx.faultEnv, KILL(first), async () => {
        seen.firstDeadAt = Date.now();
        await delay(intervalMs); // the drawn schedule between the two crashes, not a wait for a condition
        seen.secondKilledAt = Date.now();
        ctx.faults.push((await withFault(ctx.faultEnv, KILL(second))).record);
      });
      ctx.faults.push(outer.record);
      f.faultDoneAt = Date.now();
      ctx.observations['crashes in quick succession'] = {
        killed: [first, second],
        seed,
        intervalMs,
        secondKilledAfterFirstDeadMs: seen.secondKilledAt - seen.firstDeadAt,
      };
    },
    [KILL(first), KILL(second)],
  );

/**
 * Recovery by the most advanced member: the survivor's committed seqno against the position each crashed member
 * recovers from its own datadir (--wsrep-recover, in one-shot containers). Only when the survivor is at least as far
 * is it made the Primary component (pc.bootstrap); otherwise the drill stops there, naming the member further ahead.
 */
export const bootstrapMostAdvancedSurvivor = (survivor: string, crashed: readonly string[]): Step =>
  step(`${survivor}, if it is the most advanced member, becomes the Primary component`, async (ctx) => {
    const s = await galeraState(ctx.topo.get(survivor));
    const positions = [];
    for (const c of crashed) positions.push({ node: c, ...(await recoveredPosition(ctx.topo.get(c))) });
    const c = survivorMostAdvanced(
      survivor,
      s.lastCommitted,
      positions.map((p) => ({ node: p.node, recovered: p.recovered })),
    );
    ctx.checks.push(c);
    ctx.observations['most advanced member'] = { survivor, survivorSeqno: s.lastCommitted, crashed: positions };
    if (!c.valid) throw new Error(`${survivor} is not the most advanced member: ${JSON.stringify(c.details['differences'])}`);
    await bootstrapSurvivor(survivor).run(ctx);
  });
