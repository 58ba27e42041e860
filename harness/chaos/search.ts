import fc from 'fast-check';
import { type BaseFault, type ChaosDraw, chaosFaultOf } from '../faults/index.js';
import { type ChaosCommand, type ChaosShape, faultCommands, plan } from './model.js';
import type { Violation } from './violation.js';

/**
 * The generator: any command of the shape's kinds (its faults, drawn from the registry and restricted to the allowed
 * ones, and its procedures) on any of its targets.
 */
function commandArbitrary(shape: ChaosShape, faults: readonly string[] = faultCommands()): fc.Arbitrary<ChaosCommand> {
  const all = faultCommands();
  const kinds = shape.kinds.filter((k) => !all.includes(k) || faults.includes(k));
  const target = fc.constantFrom(...shape.targets);
  const writes = fc.constantFrom(50, 100, 200);
  // Procedures weigh more than single faults: the interesting histories combine a backup, a loss and a restore,
  // and a restore is only eligible after both. A fault's weight is its draw's.
  const weight: Partial<Record<string, number>> = { backup: 2, restore: 3 };
  const arbs = kinds.map((kind) => {
    const draw = chaosFaultOf(kind)?.draw;
    return { arbitrary: arbFor(kind, draw), weight: draw?.weight ?? weight[kind] ?? 1 };
  });
  return fc.oneof(...arbs);

  function arbFor(kind: string, draw: ChaosDraw<BaseFault> | undefined): fc.Arbitrary<ChaosCommand> {
    if (draw?.holdsForWrites) return fc.record({ target, writes }).map((r) => ({ kind, ...r }));
    if (draw) return target.map((t) => ({ kind, target: t }));
    if (kind === 'writes') return writes.map((count) => ({ kind, count }));
    if (kind === 'backup') return fc.constantFrom(...shape.backupFrom).map((t) => ({ kind, target: t }));
    return target.map((t) => ({ kind, target: t }) as ChaosCommand);
  }
}

/**
 * The schedules: a list of drawn commands of which only those the model's state allows in order are kept (each
 * command's precondition, model.ts), so a schedule never asks for what the state cannot give. Shrinking works on
 * the drawn list: dropping a backup also drops the restore that needed it.
 */
export function scheduleArbitrary(shape: ChaosShape, steps: number, faults?: readonly string[]): fc.Arbitrary<ChaosCommand[]> {
  // size 'max': draw schedules across the whole 1..steps range from the first run (not small ones first)
  return fc
    .array(commandArbitrary(shape, faults), { minLength: 1, maxLength: steps, size: 'max' })
    .map((drawn) => plan(shape, drawn).map((p) => p.command));
}

/** What one attempt (one generated drill, from a fresh topology to teardown) concluded. */
export interface AttemptOutcome {
  pass: boolean;
  /** Why it failed, classified (database, harness, model), with its evidence. */
  violation?: Violation;
  /** The budget ran out while it ran: it was stopped and torn down, and says nothing of the schedule. */
  interrupted?: boolean;
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
  faults?: readonly string[];
  /** Replays exactly one schedule: the one at this fast-check path under `seed` (what a failure printed). */
  path?: string;
  /**
   * Runs one schedule as a drill. `stop` is aborted when the budget runs out: the drill must then end, tear down
   * what it made, and resolve (its outcome `interrupted`); the search waits for that before it returns.
   */
  attempt(commands: readonly ChaosCommand[], info: { attempt: number; shrinking: boolean; stop: AbortSignal }): Promise<AttemptOutcome>;
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
  /** pass: no violation; fail: a database finding (shrunk); error: a harness or model error ended the search. */
  verdict: 'pass' | 'fail' | 'error';
  /** Attempts run, in order (each a whole drill). */
  attempts: AttemptRecord[];
  /** The first schedule that failed with a database finding, as run. */
  firstFailure?: AttemptRecord;
  /** The smallest failing schedule found by shrinking, as run, and the path that replays it. */
  minimal?: AttemptRecord & { path: string };
  /** The attempt whose harness or model error ended the search (verdict error). */
  error?: AttemptRecord;
  /** The budget stopped the search (or the shrinking) before it finished. */
  interrupted: boolean;
  durationMs: number;
}

/**
 * Draws schedules from the seed and runs each as a drill; on a database finding, fast-check shrinks the drawn list
 * and each shrink candidate is run again, keeping the smallest that still fails. The eligible commands (the plan)
 * are what runs, so every candidate is a valid schedule. A harness or model error is not a verdict on the
 * database: before any finding it ends the search (verdict error); while shrinking, that candidate counts as not
 * reproducing. When the budget runs out, the running attempt is stopped and torn down before this returns.
 */
export async function searchSchedules(o: SearchOptions): Promise<SearchResult> {
  const t0 = Date.now();
  const attempts: AttemptRecord[] = [];
  let firstFailure: AttemptRecord | undefined;
  let smallest: AttemptRecord | undefined;
  let error: AttemptRecord | undefined;
  let fatal: unknown;
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), o.budgetMs);
  let inFlight: Promise<unknown> = Promise.resolve();
  const arb = scheduleArbitrary(o.shape, o.steps, o.faults);
  const property = fc.asyncProperty(arb, async (commands) => {
    // A replay runs the one schedule at the path; fast-check would go on to its siblings in the shrink tree.
    if ((o.path && attempts.length > 0) || fatal !== undefined || error || budget.signal.aborted) return true;
    // nothing eligible was drawn: not a schedule worth a drill (fast-check counts it as skipped)
    fc.pre(commands.length > 0);
    const shrinking = firstFailure !== undefined;
    const attempt = attempts.length + 1;
    o.progress(
      shrinking
        ? `shrink attempt ${attempt - firstFailure!.attempt} (smallest failing so far: ${smallest!.commands.length} commands): ${commands.length} commands`
        : `attempt ${attempt}: ${commands.length} commands`,
    );
    const running = o.attempt(commands, { attempt, shrinking, stop: budget.signal });
    inFlight = running.catch(() => undefined);
    let outcome: AttemptOutcome;
    try {
      outcome = await running;
    } catch (e) {
      // Not a verdict on the schedule (bad input found late, the process interrupted): the search ends and the
      // error is rethrown once fast-check returns.
      fatal ??= e;
      return true;
    }
    // A run stops at the first violated invariant: what follows never ran and is not part of the failing schedule.
    const ran = !outcome.pass && outcome.failedAt !== undefined ? commands.slice(0, outcome.failedAt + 1) : commands;
    const rec: AttemptRecord = { attempt, shrinking, commands: ran, outcome };
    attempts.push(rec);
    if (outcome.interrupted || outcome.pass) return true;
    if (outcome.violation?.class !== 'database') {
      if (!shrinking) error = rec;
      return true;
    }
    firstFailure ??= rec;
    if (!smallest || commands.length <= smallest.commands.length) smallest = rec;
    return false;
  });
  let details: fc.RunDetails<[ChaosCommand[]]>;
  try {
    details = await fc.check(property, {
      seed: o.seed,
      numRuns: o.path ? 1 : o.runs,
      // a replay runs that one schedule and stops: no new draws, no shrinking
      ...(o.path ? { path: o.path, endOnFailure: true } : {}),
      interruptAfterTimeLimit: o.budgetMs,
      markInterruptAsFailure: false,
    });
  } finally {
    clearTimeout(timer);
    // fast-check stops waiting at the budget; the attempt it left running is stopped and torn down first
    budget.abort();
    await inFlight;
  }
  if (fatal !== undefined) throw fatal;
  // fast-check's counterexample is the last (smallest) failing value it found; its path replays it.
  let minimal: SearchResult['minimal'];
  if (details.failed && details.counterexample && details.counterexamplePath) {
    const commands = details.counterexample[0];
    const rec =
      [...attempts].reverse().find((a) => isFinding(a) && sameSchedule(a.commands, commands.slice(0, a.commands.length))) ?? smallest!;
    minimal = { ...rec, path: details.counterexamplePath };
  }
  return {
    seed: o.seed,
    verdict: firstFailure ? 'fail' : error ? 'error' : 'pass',
    attempts,
    firstFailure,
    minimal,
    error,
    interrupted: details.interrupted || attempts.some((a) => a.outcome.interrupted),
    durationMs: Date.now() - t0,
  };
}

const isFinding = (a: AttemptRecord) => !a.outcome.pass && a.outcome.violation?.class === 'database';
const sameSchedule = (a: readonly ChaosCommand[], b: readonly ChaosCommand[]) => JSON.stringify(a) === JSON.stringify(b);

/** `SEED:PATH` as printed by a failed run (`--replay`). */
export function parseReplay(s: string): { seed: number; path: string } {
  const m = /^(-?\d+):(\d+(?::\d+)*)$/.exec(s.trim());
  if (!m) throw new Error(`bad --replay '${s}' (expected SEED:PATH as printed by a failed chaos run, e.g. 42:3:1:0)`);
  return { seed: Number(m[1]), path: m[2]! };
}
