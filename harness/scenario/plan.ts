import { FLAVORS, UsageError, type FlavorId } from '../core/index.js';
import { isOwnDatabase, ownNames, resolveImage, type OwnNames } from '../runtime/config.js';
import { readServerConfig, type ServerConfig } from '../runtime/server-config.js';
import { planDataset, refuseClashes, type DatasetPlan, type DatasetSource } from '../workload/index.js';
import { engineVersion } from '../runtime/docker.js';
import type { ParamValue, Params, ScenarioDefinition } from './types.js';

/** A drill checked and ready to run: a flavor the scenario supports, its parameters, the engine answering, the image,
 * the dataset read (and its clash with firedrill's own names refused), the user's server configuration read. */
export interface DrillPlan {
  def: ScenarioDefinition;
  flavor: FlavorId;
  params: Params;
  image: string;
  dataset: DatasetPlan;
  serverConfig?: ServerConfig;
  own: OwnNames;
}

/** The run's inputs besides the scenario: planned once, before anything starts (a suite reuses them for every drill). */
export interface DrillInputs {
  dataset?: DatasetPlan;
  serverConfig?: ServerConfig;
}

/** Plans the dataset and reads the server configuration, refusing a clash with firedrill's own names (exit 2). */
export async function planInputs(
  o: { dataset?: DatasetSource; serverConfig?: string } = {},
): Promise<Required<Pick<DrillInputs, 'dataset'>> & DrillInputs> {
  const own = ownNames();
  const dataset = await planDataset(o.dataset ?? { kind: 'sakila' });
  refuseClashes(dataset, { isOwnDatabase: (db) => isOwnDatabase(own, db), accounts: [own.admin, own.repl] });
  const serverConfig = o.serverConfig ? await readServerConfig(o.serverConfig) : undefined;
  return { dataset, serverConfig };
}

/** Fills in defaults and refuses unknown or out-of-range parameters (bad input). */
export function resolveParams(def: ScenarioDefinition, given: Readonly<Record<string, string | number>> = {}): Params {
  const out: Record<string, ParamValue> = {};
  for (const k of Object.keys(given)) {
    if (!def.params[k])
      throw new UsageError(`scenario ${def.id} has no parameter '${k}' (known: ${Object.keys(def.params).join(', ') || 'none'})`);
  }
  for (const [k, spec] of Object.entries(def.params)) {
    const g = given[k];
    if (spec.type === 'string') {
      const v = g === undefined ? spec.default : String(g);
      if (spec.pattern && !spec.pattern.test(v))
        throw new UsageError(`parameter ${k}='${v}' is not valid (expected ${spec.pattern.source})`);
      out[k] = v;
      continue;
    }
    const v = g === undefined ? spec.default : typeof g === 'number' ? g : /^-?\d+(\.\d+)?$/.test(g) ? Number(g) : NaN;
    if (!Number.isFinite(v)) throw new UsageError(`parameter ${k}=${g} is not a number`);
    if (spec.min !== undefined && v < spec.min) throw new UsageError(`parameter ${k}=${v} is out of range (min ${spec.min})`);
    out[k] = v;
  }
  return out;
}

/**
 * Everything bad input can be, checked once before anything starts (each a UsageError: one line, exit 2): the
 * flavor, the parameters, the engine, the image (a configured one must be present; firedrill's own is built).
 */
export async function planDrill(
  def: ScenarioDefinition,
  flavorId: FlavorId,
  given: Readonly<Record<string, string | number>>,
  progress: (m: string) => void,
  inputs: DrillInputs = {},
): Promise<DrillPlan> {
  if (!def.flavors.includes(flavorId))
    throw new UsageError(`scenario ${def.id} does not run on ${flavorId} (supported: ${def.flavors.join(', ')})`);
  const params = resolveParams(def, given);
  def.validate?.(params, flavorId);
  await engineVersion();
  const image = await resolveImage(FLAVORS[flavorId], progress);
  const { dataset, serverConfig } = inputs.dataset
    ? { dataset: inputs.dataset, serverConfig: inputs.serverConfig }
    : { ...(await planInputs()), serverConfig: inputs.serverConfig };
  return { def, flavor: flavorId, params, image, dataset, serverConfig, own: ownNames() };
}
