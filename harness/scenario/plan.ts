import { FLAVORS, UsageError, type FlavorId } from '../core/index.js';
import { isOwnDatabase, ownNames, resolveImage, type OwnNames } from '../runtime/config.js';
import { readServerConfig, type ServerConfig } from '../runtime/server-config.js';
import { planDataset, refuseClashes, type DatasetPlan, type DatasetSource } from '../workload/index.js';
import { engineVersion } from '../runtime/docker.js';
import type { CarryLimit } from '../restore/index.js';
import { drillLimits, refusePathLimits } from './limits.js';
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
  /** What the drill's method cannot carry of the dataset (limits.ts): said before it starts, judged as not carried. */
  limits: CarryLimit[];
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
  const own = ownNames();
  checkTableParams(def, params, dataset, own);
  refusePathLimits(def, dataset);
  return { def, flavor: flavorId, params, image, dataset, serverConfig, own, limits: drillLimits(def, flavorId, dataset) };
}

/**
 * A table parameter names a table of the dataset (firedrill's own tables aside), and one that must have a one-column
 * primary key has one: said before anything starts, naming the parameter to set (bad input, exit 2).
 */
export function checkTableParams(def: ScenarioDefinition, params: Params, dataset: DatasetPlan, own: OwnNames): void {
  for (const [k, spec] of Object.entries(def.params)) {
    if (spec.type !== 'string' || !spec.table) continue;
    const v = String(params[k]);
    if (v === 'auto' || isOwnDatabase(own, v.split('.')[0]!)) continue;
    const set = `set --param ${k}=db.table to another table${spec.table === 'one-column-key' ? ' with a one-column primary key' : ''}, or ${k}=auto`;
    if (dataset.tables.length && !dataset.tables.includes(v)) {
      const some = dataset.tables.slice(0, 5).join(', ');
      throw new UsageError(
        `parameter ${k}=${v}: dataset ${dataset.name} has no table ${v} (it has ${some}${dataset.tables.length > 5 ? ', …' : ''}); ${set}`,
      );
    }
    const pk = dataset.primaryKeys?.[v];
    if (spec.table === 'one-column-key' && pk !== undefined && pk !== 1)
      throw new UsageError(
        `parameter ${k}=${v}: ${def.id} deletes a row by its one-column primary key and ${v} has ${pk === 0 ? 'no primary key' : `a ${pk}-column primary key`}; ${set}`,
      );
  }
}
