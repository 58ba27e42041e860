import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { imageExists } from './docker.js';
import { isFlavorId, UsageError, type Flavor, type FlavorId } from '../core/index.js';
import { ensureImage } from './images.js';
import { projectRoot } from './paths.js';
import { parseObjectives, type ObjectivesConfig } from './objectives-config.js';

/** firedrill.config.json: optional. `images` points a flavor at an image the user provides (e.g. from a registry). */
export interface Config {
  images: Partial<Record<FlavorId, string>>;
  /** Recovery objectives by drill id (and `default`): {rtoSeconds, rpoWrites, rpoSeconds}; see harness/report/objectives.ts. */
  objectives?: ObjectivesConfig;
}

let loaded: Config | undefined;

export function parseConfig(text: string, source: string): Config {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) { throw new UsageError(`${source}: not valid JSON (${(e as Error).message})`); }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`${source}: must be a JSON object`);
  const cfg: Config = { images: {} };
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'objectives') {
      const o = parseObjectives(v, source);
      if (typeof o === 'string') throw new UsageError(o);
      cfg.objectives = o;
      continue;
    }
    if (k !== 'images') throw new UsageError(`${source}: unknown key '${k}' (known: images, objectives)`);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError(`${source}: 'images' must map flavor ids to image references`);
    for (const [f, ref] of Object.entries(v)) {
      if (!isFlavorId(f)) throw new UsageError(`${source}: images: unknown flavor '${f}'`);
      if (typeof ref !== 'string' || !/^[\w./:@-]+$/.test(ref)) throw new UsageError(`${source}: images.${f}: not an image reference`);
      cfg.images[f] = ref;
    }
  }
  return cfg;
}

/** Reads the config: FIREDRILL_CONFIG names a file that must exist; otherwise firedrill.config.json if present. */
export function loadConfig(): Config {
  if (loaded) return loaded;
  const named = process.env.FIREDRILL_CONFIG;
  if (named && !existsSync(named)) throw new UsageError(`config file ${named} (FIREDRILL_CONFIG) does not exist`);
  const path = named ?? resolve(projectRoot, 'firedrill.config.json');
  loaded = existsSync(path) ? parseConfig(readFileSync(path, 'utf8'), path) : { images: {} };
  return loaded;
}

/** The image for a flavor: the configured one (which must exist), or firedrill's own, built if missing. */
export async function resolveImage(flavor: Flavor, progress: (m: string) => void): Promise<string> {
  const configured = loadConfig().images[flavor.id];
  if (configured) {
    if (!(await imageExists(configured))) throw new UsageError(`image '${configured}' configured for ${flavor.id} is not present (docker pull it first)`);
    return configured;
  }
  return ensureImage(flavor, progress);
}
