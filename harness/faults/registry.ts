import { UsageError } from '../core/index.js';
import { destroy, kill, partition, pause, wipeDatadir } from './builtin.js';
import { crashTrigger } from './crash-loop.js';
import { attributeProblem } from './attributes.js';
import { selectorProblem, type TopologyShape } from './selector.js';
import type { Fault, FaultEffect, FaultEnv, FaultHandler, FaultKind, FaultOfKind, StepInjectedFault } from './types.js';

/** Every fault kind and its handler: a kind added to the `Fault` union without a handler here fails tsc. */
const HANDLERS: { readonly [K in FaultKind]: FaultHandler<FaultOfKind<K>> } = {
  kill,
  'wipe-datadir': wipeDatadir,
  destroy,
  pause,
  partition,
  'crash-trigger': crashTrigger,
};

export const faultKinds = (): string[] => Object.keys(HANDLERS).sort();

const isKind = (k: unknown): k is FaultKind => typeof k === 'string' && Object.hasOwn(HANDLERS, k);

function handlerFor<F extends Fault>(f: F): FaultHandler<F> {
  if (!isKind(f.kind)) throw new UsageError(`unknown fault kind '${String(f.kind)}' (known: ${faultKinds().join(', ')})`);
  return HANDLERS[f.kind] as unknown as FaultHandler<F>;
}

/**
 * Refuses a fault a drill could not inject: an unknown kind (a scenario written in plain JavaScript, or cast), an
 * attribute the kind does not take or a value it cannot use (a signal 'KIL'), or a target the topology cannot have. Called when a scenario is defined, before anything starts.
 */
export function validateFault(f: Fault, shape: TopologyShape): void {
  handlerFor(f);
  const problem = attributeProblem(f.kind, f as unknown as Record<string, unknown>) ?? selectorProblem(f.target, shape);
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
