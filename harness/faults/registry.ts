import { UsageError } from '../core/index.js';
import { BUILTIN_FAULTS } from './builtin.js';
import type { Fault, FaultEffect, FaultEnv, FaultHandler } from './types.js';

const registry = new Map<string, FaultHandler>(BUILTIN_FAULTS.map((h) => [h.kind, h]));

export function registerFault(h: FaultHandler): void { registry.set(h.kind, h); }
export function faultKinds(): string[] { return [...registry.keys()].sort(); }

export function handlerFor(f: Fault): FaultHandler {
  const h = registry.get(f.kind);
  if (!h) throw new UsageError(`unknown fault kind '${f.kind}' (known: ${faultKinds().join(', ')})`);
  return h;
}

export interface FaultRecord {
  fault: Fault;
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
export async function withFault<T>(env: FaultEnv, f: Fault, during: () => Promise<T> = async () => undefined as T): Promise<{ record: FaultRecord; value: T }> {
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
