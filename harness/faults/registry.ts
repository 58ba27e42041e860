import { UsageError } from '../core/index.js';
import { crashTrigger } from './crash-loop.js';
import { destroy } from './destroy.js';
import { isolate } from './isolate.js';
import { kill } from './kill.js';
import { partition } from './partition.js';
import { pause } from './pause.js';
import { attributeProblem } from './rules.js';
import { selectorProblem, type TopologyShape } from './selector.js';
import type { BaseFault, ChaosDraw, ChaosTopology, FaultEffect, FaultEnv, FaultHandler, Rule, StepInjectedFault } from './types.js';
import { wipeDatadir } from './wipe-datadir.js';

/**
 * Every fault firedrill can inject: one entry each. A fault is its own file (see FaultHandler). The order is the
 * order chaos draws in: a seed printed by an earlier run replays the same schedule only while it stays the same, so
 * a new fault goes at the end.
 */
const FAULTS = [kill, pause, partition, wipeDatadir, destroy, crashTrigger, isolate] as const;

type FaultOf<H> = H extends FaultHandler<infer F> ? F : never;
/** A fault is data: its kind, its target, and the kind's attributes. */
export type Fault = FaultOf<(typeof FAULTS)[number]>;
export type FaultKind = Fault['kind'];

/** A registered fault, its type forgotten (what the registry's readers need). */
type AnyHandler = FaultHandler<BaseFault>;
const HANDLERS: ReadonlyMap<string, AnyHandler> = new Map(FAULTS.map((h) => [h.kind, h as unknown as AnyHandler]));

export const faultKinds = (): string[] => [...HANDLERS.keys()].sort();

/** Every registered fault (for the docs and the tests that keep them whole). */
export const faultHandlers = (): readonly AnyHandler[] => [...HANDLERS.values()];

function handlerFor<F extends BaseFault>(f: F): FaultHandler<F> {
  const h = typeof f.kind === 'string' ? HANDLERS.get(f.kind) : undefined;
  if (!h) throw new UsageError(`unknown fault kind '${String(f.kind)}' (known: ${faultKinds().join(', ')})`);
  return h as unknown as FaultHandler<F>;
}

/** A registered fault that chaos draws, with its draw. */
interface ChaosFault {
  kind: string;
  summary: string;
  draw: ChaosDraw<BaseFault>;
}

/** The faults chaos draws on a topology (all of them without one), in registration order. */
export function chaosFaults(topology?: ChaosTopology): ChaosFault[] {
  return faultHandlers().flatMap((h) =>
    h.chaos && (!topology || h.chaos.topologies.includes(topology)) ? [{ kind: h.kind, summary: h.summary, draw: h.chaos }] : [],
  );
}

/** The chaos fault a schedule's command names ('lose' is destroy), or undefined when it names none. */
export const chaosFaultOf = (command: string): ChaosFault | undefined => chaosFaults().find((f) => f.draw.command === command);

/** The band that shades a fault's window on the report's charts (a step-injected fault has none of its own). */
export const faultBand = (kind: string): { fill: string } | undefined => HANDLERS.get(kind)?.band;

/**
 * Refuses a fault a drill could not inject: an unknown kind (a scenario written in plain JavaScript, or cast), an
 * attribute the kind does not take or a value it cannot use (a signal 'KIL'), or a target the topology cannot have. Called when a scenario is defined, before anything starts.
 */
export function validateFault(f: Fault, shape: TopologyShape): void {
  const h = handlerFor(f);
  const rules = h.attributes as Readonly<Record<string, Rule>>;
  const problem = attributeProblem(f.kind, rules, f as unknown as Record<string, unknown>) ?? selectorProblem(f.target, shape);
  if (problem) throw new UsageError(`fault ${f.kind} on '${f.target}': ${problem}`);
}

export interface FaultRecord {
  fault: Fault | StepInjectedFault;
  description: string;
  injectedAt: number;
  healedAt?: number;
  effect?: FaultEffect;
  heal?: Record<string, unknown>;
  error?: string;
}

/**
 * Injects a fault, runs `during` while it holds, and heals it: the heal runs whatever `during` did.
 * Returns the record of both, with timestamps.
 */
export async function withFault<T>(
  env: FaultEnv,
  f: Fault,
  during: () => Promise<T> = async () => undefined as T,
): Promise<{ record: FaultRecord; value: T }> {
  const h = handlerFor(f);
  const record: FaultRecord = { fault: f, description: h.describe(f), injectedAt: Date.now() };
  env.progress(`fault: ${record.description}`);
  record.effect = await h.inject(env, f);
  let value: T;
  try {
    value = await during();
  } finally {
    record.heal = await h.heal(env, f, record.effect);
    record.healedAt = Date.now();
    env.progress(`healed: ${record.description}`);
  }
  return { record, value };
}
