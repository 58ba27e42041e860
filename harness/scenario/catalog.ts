import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { register } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/index.js';
import { loadConfig, type SuiteConfig } from '../runtime/config.js';
import { projectRoot } from '../runtime/paths.js';
import type { ScenarioDefinition } from './types.js';

const DRILL_FILE = /\.(ts|mts|js|mjs)$/;
const isDrillFile = (f: string) => DRILL_FILE.test(f) && !/\.(test|spec|d)\.[mc]?[tj]s$/.test(f);

let hookRegistered = false;
/**
 * Lets a drill file anywhere `import … from 'firedrill'` (the package's public API, harness/index.ts) without
 * node_modules beside it: a resolve hook maps the bare name to this checkout's index. Inside a project that has
 * firedrill installed, Node's own resolution of the package's "exports" finds the same file.
 */
function registerFiredrillResolver(): void {
  if (hookRegistered) return;
  hookRegistered = true;
  register(pathToFileURL(join(projectRoot, 'harness', 'scenario', 'resolve-hook.mjs')).href, {
    data: { index: pathToFileURL(join(projectRoot, 'harness', 'index.ts')).href, project: pathToFileURL(projectRoot).href + '/' },
  });
}

const looksLikeScenario = (v: unknown): v is ScenarioDefinition =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as ScenarioDefinition).id === 'string' &&
  Array.isArray((v as ScenarioDefinition).phases) &&
  typeof (v as ScenarioDefinition).topology?.spec === 'function';

/** Loads one drill file (default export: a defineScenario(...) result). Anything else is bad input, named. */
async function loadScenarioFile(path: string): Promise<ScenarioDefinition> {
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`drill file ${path}: no such file`);
  if (!DRILL_FILE.test(file)) throw new UsageError(`drill file ${path}: expected a .ts or .js file`);
  registerFiredrillResolver();
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`drill file ${path}: cannot be loaded: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!looksLikeScenario(mod.default))
    throw new UsageError(`drill file ${path}: its default export is not a scenario (export default defineScenario({...}))`);
  return mod.default;
}

async function filesIn(dir: string): Promise<string[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`drill folder ${dir} (firedrill.config.json drillFolders): no such folder`);
  return (await readdir(dir))
    .filter(isDrillFile)
    .sort()
    .map((f) => join(dir, f));
}

/** Every scenario: firedrill's own under scenarios/, then those of the folders firedrill.config.json lists. */
export async function loadScenarios(): Promise<ScenarioDefinition[]> {
  const out: ScenarioDefinition[] = [];
  const from = new Map<string, string>();
  const own = await filesIn(join(projectRoot, 'scenarios'));
  for (const f of own) {
    const mod = (await import(pathToFileURL(f).href)) as { default?: ScenarioDefinition };
    if (mod.default) {
      out.push(mod.default);
      from.set(mod.default.id, f);
    }
  }
  for (const dir of loadConfig().drillFolders) {
    for (const f of await filesIn(dir)) {
      const s = await loadScenarioFile(f);
      if (from.has(s.id)) throw new UsageError(`drill ${s.id} is defined twice: ${from.get(s.id)} and ${f}`);
      out.push(s);
      from.set(s.id, f);
    }
  }
  return out;
}

/** A drill by id, or a drill file by path (anything with a slash or a .ts/.js extension). */
export async function findScenario(idOrPath: string): Promise<ScenarioDefinition> {
  if (idOrPath.includes('/') || extname(idOrPath)) return loadScenarioFile(idOrPath);
  const all = await loadScenarios();
  const s = all.find((x) => x.id === idOrPath);
  if (!s) throw new UsageError(`unknown scenario '${idOrPath}' (known: ${all.map((x) => x.id).join(', ')}; or give a drill file's path)`);
  return s;
}

/** Named drill suites: which scenarios on which flavors (the dataset and server configuration come from the run). */
export const SUITES: Readonly<Record<string, SuiteConfig>> = {
  // The nightly drill: the backup restores and catches up, and point-in-time recovery works from streamed binlogs.
  default: {
    drills: [
      { scenario: 'replica-kill-restore', flavor: 'mariadb-10.11' },
      { scenario: 'pitr-accidental-drop', flavor: 'mariadb-10.11' },
    ],
  },
};

/** A suite by name: the built-in ones, `matrix` (every scenario on every flavor it supports), or the config's. */
export async function findSuite(name: string): Promise<SuiteConfig> {
  const cfg = loadConfig().suites;
  if (cfg[name]) return cfg[name];
  if (name === 'matrix') return { drills: (await loadScenarios()).flatMap((s) => s.flavors.map((flavor) => ({ scenario: s.id, flavor }))) };
  const s = SUITES[name];
  if (!s) throw new UsageError(`unknown suite '${name}' (known: ${[...Object.keys(SUITES), 'matrix', ...Object.keys(cfg)].join(', ')})`);
  return s;
}
