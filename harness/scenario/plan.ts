import { FLAVORS, UsageError, type FlavorId } from '../core/index.js';
import { resolveImage } from '../runtime/config.js';
import { engineVersion } from '../runtime/docker.js';
import type { Params, ScenarioDefinition } from './types.js';

/** A drill checked and ready to run: a flavor the scenario supports, its parameters, the engine answering, the image. */
export interface DrillPlan { def: ScenarioDefinition; flavor: FlavorId; params: Params; image: string }

/** Fills in defaults and refuses unknown or out-of-range parameters (bad input). */
export function resolveParams(def: ScenarioDefinition, given: Record<string, number> = {}): Params {
  const out: Record<string, number> = {};
  for (const k of Object.keys(given)) {
    if (!def.params[k]) throw new UsageError(`scenario ${def.id} has no parameter '${k}' (known: ${Object.keys(def.params).join(', ') || 'none'})`);
  }
  for (const [k, spec] of Object.entries(def.params)) {
    const v = given[k] ?? spec.default;
    if (!Number.isFinite(v) || (spec.min !== undefined && v < spec.min)) throw new UsageError(`parameter ${k}=${v} is out of range (min ${spec.min})`);
    out[k] = v;
  }
  return out;
}

/**
 * Everything bad input can be, checked once before anything starts (each a UsageError: one line, exit 2): the
 * flavor, the parameters, the engine, the image (a configured one must be present; firedrill's own is built).
 */
export async function planDrill(def: ScenarioDefinition, flavorId: FlavorId, given: Record<string, number>, progress: (m: string) => void): Promise<DrillPlan> {
  if (!def.flavors.includes(flavorId)) throw new UsageError(`scenario ${def.id} does not run on ${flavorId} (supported: ${def.flavors.join(', ')})`);
  const params = resolveParams(def, given);
  await engineVersion();
  const image = await resolveImage(FLAVORS[flavorId], progress);
  return { def, flavor: flavorId, params, image };
}
