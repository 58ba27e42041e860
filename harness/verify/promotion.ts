/**
 * Which replica a failover promotes, by the rules a DBA uses (orchestrator's among them): never one that cannot
 * serve as a primary (binary log or log_slave_updates off, replication filters), never a delayed or lagging one;
 * among the rest the most advanced by GTID, the preferred candidate when it is as advanced as the best. Pure: the
 * facts are read before, the choice is a value, and every exclusion carries its reason.
 */
import type { GtidAlgebra } from '../core/index.js';

/** What was known of one replica when its primary failed (and, for `lagSeconds`, just before). */
export interface ReplicaFacts {
  name: string;
  reachable: boolean;
  /** Every transaction it applied, after applying what it had received. */
  executed: string;
  logBin: boolean;
  replicaUpdates: boolean;
  /** MariaDB gtid_strict_mode / MySQL gtid_mode=ON. */
  gtidStrict: boolean;
  filters: readonly string[];
  delaySeconds: number;
  /** Seconds behind its primary at the last look before the fault (null: not replicating then). */
  lagSeconds: number | null;
  /** Events it holds replica-side disabled: promoted, it runs none of them until they are enabled again. */
  disabledEvents: readonly string[];
  /** What it had received and not applied within the wait (its relay log), if anything. */
  relayLogNotApplied?: string;
}

/** The "can this replica be promoted" report of one replica. */
export interface Readiness {
  node: string;
  promotable: boolean;
  /** Why it cannot be promoted (empty when it can). */
  blockers: string[];
  /** What promotion would have to do or would not fix by itself. */
  notes: string[];
}

export function readiness(f: ReplicaFacts, maxLagSeconds: number): Readiness {
  const blockers = [
    ...(!f.reachable ? ['unreachable'] : []),
    ...(!f.logBin ? ['binary log off: no replica could follow it'] : []),
    ...(!f.replicaUpdates ? ['log_slave_updates / log_replica_updates off: replicated transactions are not in its binary log'] : []),
    ...(f.filters.length ? [`replication filters (${f.filters.join(', ')}): it does not hold all the data`] : []),
    ...(f.delaySeconds > 0 ? [`delayed replica (${f.delaySeconds} s): it lacks the newest transactions on purpose`] : []),
    ...(f.lagSeconds === null
      ? ['not replicating']
      : f.lagSeconds > maxLagSeconds
        ? [`lagging ${f.lagSeconds} s (limit ${maxLagSeconds} s)`]
        : []),
  ];
  const notes = [
    ...(!f.gtidStrict ? ['GTID strict mode off (MariaDB gtid_strict_mode / MySQL gtid_mode): out-of-order GTIDs would be accepted'] : []),
    ...(f.disabledEvents.length
      ? [`${f.disabledEvents.length} event(s) replica-side disabled (${f.disabledEvents.join(', ')}): promotion must enable them`]
      : []),
  ];
  return { node: f.name, promotable: blockers.length === 0, blockers, notes };
}

export interface PromotionChoice {
  /** The replica to promote; absent when none may be. */
  chosen?: string;
  /** Why, in one line. */
  reason: string;
  excluded: Array<{ node: string; why: string[] }>;
  /** For each other replica: the transactions it has that the chosen one lacks ('' for none). */
  chosenLacks: Record<string, string>;
}

/** The replica to promote: the most advanced eligible one; the preferred one when it holds as much. */
export function choosePromotion(
  facts: readonly ReplicaFacts[],
  algebra: GtidAlgebra,
  opts: { prefer?: string; maxLagSeconds: number },
): PromotionChoice {
  const judged = facts.map((f) => ({ f, r: readiness(f, opts.maxLagSeconds) }));
  const excluded = judged.filter((j) => !j.r.promotable).map((j) => ({ node: j.f.name, why: j.r.blockers }));
  const eligible = judged.filter((j) => j.r.promotable).map((j) => j.f);
  const lacks = (c: ReplicaFacts) =>
    Object.fromEntries(facts.filter((o) => o !== c && o.reachable).map((o) => [o.name, algebra.subtract(o.executed, c.executed)]));
  if (!eligible.length) return { reason: 'no replica may be promoted', excluded, chosenLacks: {} };
  const best = eligible.filter((c) => eligible.every((o) => algebra.contains(c.executed, o.executed)));
  if (!best.length)
    return {
      reason: `no eligible replica holds every transaction the others hold (their histories diverge): ${eligible.map((e) => `${e.name} ${e.executed}`).join('; ')}`,
      excluded,
      chosenLacks: {},
    };
  const preferred = best.find((c) => c.name === opts.prefer);
  const chosen = preferred ?? best[0]!;
  const reason = preferred
    ? `${chosen.name}: the preferred candidate, as advanced as any eligible replica`
    : opts.prefer && eligible.some((e) => e.name === opts.prefer)
      ? `${chosen.name}: the most advanced eligible replica (the preferred ${opts.prefer} lacks ${algebra.subtract(chosen.executed, eligible.find((e) => e.name === opts.prefer)!.executed)})`
      : `${chosen.name}: the most advanced eligible replica`;
  return { chosen: chosen.name, reason, excluded, chosenLacks: lacks(chosen) };
}
