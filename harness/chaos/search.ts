import fc from 'fast-check';
import { type ChaosCommand, type ChaosShape, type FaultCommand, FAULT_COMMANDS, plan } from './model.js';

/** The generator: any command of the shape's kinds (restricted to the allowed faults) on any of its targets. */
export function commandArbitrary(shape: ChaosShape, faults: readonly FaultCommand[] = FAULT_COMMANDS): fc.Arbitrary<ChaosCommand> {
  const kinds = shape.kinds.filter((k) => !(FAULT_COMMANDS as readonly string[]).includes(k) || faults.includes(k as FaultCommand));
  const target = fc.constantFrom(...shape.targets);
  const writes = fc.constantFrom(50, 100, 200);
  // Procedures weigh more than single faults: the interesting histories combine a backup, a loss and a restore,
  // and a restore is only eligible after both.
  const weight: Partial<Record<ChaosCommand['kind'], number>> = { backup: 2, lose: 2, restore: 3 };
  const arbs = kinds.map((kind) => {
    const arbitrary = arbFor(kind);
    return { arbitrary, weight: weight[kind] ?? 1 };
  });
  return fc.oneof(...arbs);

  function arbFor(kind: ChaosCommand['kind']): fc.Arbitrary<ChaosCommand> {
    switch (kind) {
      case 'writes':
        return writes.map((count) => ({ kind, count }));
      case 'pause':
      case 'partition':
        return fc.record({ target, writes }).map((r) => ({ kind, ...r }));
      case 'backup':
        return fc.constantFrom(...shape.backupFrom).map((t) => ({ kind, target: t }));
      default:
        return target.map((t) => ({ kind, target: t }) as ChaosCommand);
    }
  }
}

/** What one attempt (one generated drill, from a fresh topology to teardown) concluded. */
export interface AttemptOutcome {
  pass: boolean;
  /** Why it failed: the violated invariant (or the error) with its evidence. */
  reason?: string;
  /** The index of the command after which the failure showed: the commands after it never ran. */
  failedAt?: number;
  reportDir?: string;
}

export interface SearchOptions {
  shape: ChaosShape;
  seed: number;
  /** The most commands one schedule may have. */
  steps: number;
  /** How many schedules to try before declaring the seed clean (bounded by the budget too). */
  runs: number;
  budgetMs: number;
  faults?: readonly FaultCommand[];
  /** Replays exactly one schedule: the one at this fast-check path under `seed` (what a failure printed). */
  path?: string;
  attempt(commands: readonly ChaosCommand[], info: { attempt: number; shrinking: boolean }): Promise<AttemptOutcome>;
  progress(m: string): void;
}

interface AttemptRecord {
  attempt: number;
  shrinking: boolean;
  commands: ChaosCommand[];
  outcome: AttemptOutcome;
}

export interface SearchResult {
  seed: number;
  verdict: 'pass' | 'fail';
  /** Attempts run, in order (each a whole drill). */
  attempts: AttemptRecord[];
  /** The first schedule that failed, as run. */
  firstFailure?: AttemptRecord;
  /** The smallest failing schedule found by shrinking, as run, and the path that replays it. */
  minimal?: AttemptRecord & { path: string };
  /** The budget stopped the search (or the shrinking) before it finished. */
  interrupted: boolean;
  durationMs: number;
}

/**
 * Draws schedules from the seed and runs each as a drill; on a failure, fast-check shrinks the drawn list and each
 * shrink candidate is run again, keeping the smallest that still fails. The eligible commands (the plan) are what
 * runs, so every candidate is a valid schedule.
 */
export async function searchSchedules(o: SearchOptions): Promise<SearchResult> {
  const t0 = Date.now();
  const attempts: AttemptRecord[] = [];
  let firstFailure: AttemptRecord | undefined;
  let smallest: AttemptRecord | undefined;
  let fatal: unknown;
  // size 'max': draw schedules across the whole 1..steps range from the first run (not small ones first)
  const arb = fc.array(commandArbitrary(o.shape, o.faults), { minLength: 1, maxLength: o.steps, size: 'max' });
  const property = fc.asyncProperty(arb, async (drawn) => {
    // A replay runs the one schedule at the path; fast-check would go on to its siblings in the shrink tree.
    if ((o.path && attempts.length > 0) || fatal !== undefined) return true;
    const commands = plan(o.shape, drawn).map((p) => p.command);
    // nothing eligible was drawn: not a schedule worth a drill (fast-check counts it as skipped)
    fc.pre(commands.length > 0);
    const shrinking = firstFailure !== undefined;
    const attempt = attempts.length + 1;
    o.progress(
      shrinking
        ? `shrink attempt ${attempt - firstFailure!.attempt} (smallest failing so far: ${smallest!.commands.length} commands): ${commands.length} commands`
        : `attempt ${attempt}: ${commands.length} commands`,
    );
    let outcome: AttemptOutcome;
    try {
      outcome = await o.attempt(commands, { attempt, shrinking });
    } catch (e) {
      // Not a verdict on the schedule (the drill could not run, or was interrupted): no shrinking on it; the search
      // ends and the error is rethrown once fast-check returns.
      fatal ??= e;
      return true;
    }
    // A run stops at the first violated invariant: what follows never ran and is not part of the failing schedule.
    const ran = !outcome.pass && outcome.failedAt !== undefined ? commands.slice(0, outcome.failedAt + 1) : commands;
    const rec: AttemptRecord = { attempt, shrinking, commands: ran, outcome };
    attempts.push(rec);
    if (!outcome.pass) {
      firstFailure ??= rec;
      if (!smallest || commands.length <= smallest.commands.length) smallest = rec;
    }
    return outcome.pass;
  });
  const details = await fc.check(property, {
    seed: o.seed,
    numRuns: o.path ? 1 : o.runs,
    // a replay runs that one schedule and stops: no new draws, no shrinking
    ...(o.path ? { path: o.path, endOnFailure: true } : {}),
    interruptAfterTimeLimit: o.budgetMs,
    markInterruptAsFailure: false,
  });
  if (fatal !== undefined) throw fatal;
  // fast-check's counterexample is the last (smallest) failing value it found; its path replays it.
  let minimal: SearchResult['minimal'];
  if (details.failed && details.counterexample && details.counterexamplePath) {
    const commands = plan(o.shape, details.counterexample[0]).map((p) => p.command);
    const rec =
      [...attempts].reverse().find((a) => !a.outcome.pass && sameSchedule(a.commands, commands.slice(0, a.commands.length))) ?? smallest!;
    minimal = { ...rec, path: details.counterexamplePath };
  }
  return {
    seed: o.seed,
    verdict: firstFailure ? 'fail' : 'pass',
    attempts,
    firstFailure,
    minimal,
    interrupted: details.interrupted,
    durationMs: Date.now() - t0,
  };
}

const sameSchedule = (a: readonly ChaosCommand[], b: readonly ChaosCommand[]) => JSON.stringify(a) === JSON.stringify(b);

/** `SEED:PATH` as printed by a failed run (`--replay`). */
export function parseReplay(s: string): { seed: number; path: string } {
  const m = /^(-?\d+):(\d+(?::\d+)*)$/.exec(s.trim());
  if (!m) throw new Error(`bad --replay '${s}' (expected SEED:PATH as printed by a failed chaos run, e.g. 42:3:1:0)`);
  return { seed: Number(m[1]), path: m[2]! };
}
