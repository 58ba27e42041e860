/**
 * Plugins the old server runs from a library (audit, information_schema tables, engines, password checks…) against the
 * target: a plugin the target does not have anywhere in its plugin directory, or a library an option file loads that
 * the target no longer has. Loaded by the option file (plugin_load, plugin_load_add): blocking. Installed with INSTALL
 * SONAME (mysql.plugin): a warning (the server starts without it and says so in its error log).
 */
import { upgradeSql } from '../../sql/index.js';
import { at, variableOf, type ConfigOption } from './config-file.js';
import type { Finding } from './findings.js';
import type { Inventory, SqlTarget } from './inventory.js';
import type { PluginRule } from './rules.js';

const LOAD_OPTIONS = new Set(['plugin_load', 'plugin_load_add']);
/** A library as the server matches it: the file name with or without `.so`. */
const lib = (name: string) => name.trim().replace(/\.so$/i, '').toLowerCase();

/** Each library an option of the file loads (`name=lib.so;lib2` lists), with the option that loads it. */
function loadedByConfig(options: readonly ConfigOption[]): Map<string, ConfigOption> {
  const out = new Map<string, ConfigOption>();
  for (const o of options) {
    if (!LOAD_OPTIONS.has(variableOf(o.name))) continue;
    for (const item of (o.value ?? '').split(';').filter((x) => x.trim())) out.set(lib(item.split('=').pop() ?? ''), o);
  }
  return out;
}

interface PluginInput {
  old: Pick<Inventory, 'plugins'>;
  target: SqlTarget;
  config?: { options: readonly ConfigOption[] };
}

export async function pluginFindings(input: PluginInput, rule: PluginRule): Promise<Finding[]> {
  if (!input.old.plugins.length) return [];
  const targetHas = await input.target.query<{ name: string; library: string | null }>(upgradeSql.allPlugins());
  const names = new Map(targetHas.map((p) => [String(p.name).toUpperCase(), p.library ? String(p.library) : 'built in']));
  const libraries = new Set(targetHas.filter((p) => p.library).map((p) => lib(String(p.library))));
  const byConfig = loadedByConfig(input.config?.options ?? []);
  const out: Finding[] = [];
  for (const p of input.old.plugins) {
    const loader = byConfig.get(lib(p.library));
    const targetLib = names.get(p.name.toUpperCase());
    const missing = targetLib === undefined;
    if (!missing && (!loader || libraries.has(lib(p.library)))) continue;
    const known = (rule.removed ?? []).find((r) => r.plugin.toUpperCase() === p.name.toUpperCase());
    const what = missing
      ? `which the target does not have (no library of its plugin directory holds it${known ? `; removed in ${known.since}` : ''})`
      : `whose library the target no longer has (it has the plugin ${targetLib === 'built in' ? 'built in' : `in ${targetLib}`})`;
    const how = loader
      ? `loaded by ${loader.name} in ${loader.file} (line ${loader.line}): the target starts without it (its error log says "Couldn't load plugins from '${p.library}'") and every option of the plugin in the file stops the server from starting`
      : `installed on the old server (mysql.plugin): the target starts without it and logs an error`;
    out.push({
      severity: loader ? 'blocking' : (rule.severity ?? 'warning'),
      source: 'incompatibility',
      category: rule.category,
      kind: rule.id,
      where: loader ? at(loader) : `plugin ${p.name}`,
      message: `${p.type.toLowerCase()} plugin ${p.name} from ${p.library}, ${what}, is ${how}; ${known ? `${known.instead}; ` : ''}${rule.advice}`,
      cite: rule.cite,
      evidence: {
        plugin: p.name,
        type: p.type,
        library: p.library,
        loadedBy: loader ? at(loader) : 'mysql.plugin',
        targetLibrary: targetLib,
      },
    });
  }
  return out;
}
