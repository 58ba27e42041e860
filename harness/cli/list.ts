/** `firedrill list`: the scenarios, with their flavors and parameters. */
import { loadScenarios } from '../scenario/index.js';
import { JSON_OPTION, out, parseOptions, printHelp } from './options.js';

export const HELP_LIST = 'usage: firedrill list [--json]\n\nLists the scenarios. --json: an array of {id, description, flavors, params}.';

export async function cmdList(args: string[]): Promise<number> {
  const { values } = parseOptions(args, JSON_OPTION);
  if (values.help) return printHelp(HELP_LIST);
  const all = await loadScenarios();
  if (values.json) {
    // A string parameter's pattern is printed as its source text (a RegExp has no JSON form).
    const params = (p: (typeof all)[number]['params']) =>
      Object.fromEntries(Object.entries(p).map(([k, v]) => [k, 'pattern' in v && v.pattern ? { ...v, pattern: v.pattern.source } : v]));
    out(
      JSON.stringify(
        all.map((s) => ({ id: s.id, description: s.description, flavors: s.flavors, params: params(s.params) })),
        null,
        2,
      ),
    );
  } else {
    for (const s of all)
      out(
        `${s.id.padEnd(24)} ${s.description}\n${' '.repeat(25)}flavors: ${s.flavors.join(', ')}; params: ${
          Object.entries(s.params)
            .map(([k, p]) => `${k}=${p.default}${p.type === 'string' ? ' (string)' : ''} (${p.description})`)
            .join(', ') || 'none'
        }`,
      );
  }
  return 0;
}
