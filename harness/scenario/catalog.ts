import { readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/index.js';
import { projectRoot } from '../runtime/paths.js';
import type { FlavorId } from '../core/index.js';
import type { ScenarioDefinition } from './types.js';

/** Every scenario file under scenarios/ (each default-exports a definition). */
export async function loadScenarios(): Promise<ScenarioDefinition[]> {
  const dir = join(projectRoot, 'scenarios');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  const out: ScenarioDefinition[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: ScenarioDefinition };
    if (mod.default) out.push(mod.default);
  }
  return out;
}

export async function findScenario(id: string): Promise<ScenarioDefinition> {
  if (/\.[cm]?[jt]s$/.test(id)) {
    // a scenario file from anywhere (e.g. one written by `firedrill chaos`)
    const file = resolve(id);
    if (!existsSync(file)) throw new UsageError(`no scenario file at ${file}`);
    const mod = (await import(pathToFileURL(file).href)) as { default?: ScenarioDefinition };
    if (!mod.default) throw new UsageError(`${file} has no default export (export default defineScenario({...}))`);
    return mod.default;
  }
  const all = await loadScenarios();
  const s = all.find((x) => x.id === id);
  if (!s) throw new UsageError(`unknown scenario '${id}' (known: ${all.map((x) => x.id).join(', ')})`);
  return s;
}

/** Named drill suites: which scenarios on which flavors. */
export const SUITES: Readonly<Record<string, ReadonlyArray<{ scenario: string; flavor: FlavorId; params?: Record<string, number> }>>> = {
  // The nightly drill: the backup restores and catches up, and point-in-time recovery works from streamed binlogs.
  default: [{ scenario: 'replica-kill-restore', flavor: 'mariadb-10.11' }, { scenario: 'pitr-accidental-drop', flavor: 'mariadb-10.11' }],
};
