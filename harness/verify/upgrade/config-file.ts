/**
 * A server option file (my.cnf) as the server reads it, for the upgrade analysis: through the one option-file parser
 * (harness/core/option-file.ts) with `!include` and `!includedir` followed (harness/runtime/option-file.ts). Option
 * names are written the way the server names its variables (underscores); `loose` says the option only warns when
 * unknown.
 */
import { isServerGroup, optionsOf, parseOptionText } from '../../core/index.js';
import { readOptionFileTree } from '../../runtime/option-file.js';

export { variableOf } from '../../core/index.js';

export interface ConfigOption {
  file: string;
  line: number;
  group: string;
  name: string;
  raw: string;
  value?: string;
  loose: boolean;
}

/** An option of the one option-file parser, named the server's way. */
const configOption = (file: string, o: Omit<ConfigOption, 'file' | 'raw'> & { text: string }): ConfigOption => ({
  file,
  line: o.line,
  group: o.group,
  name: o.name.replace(/-/g, '_'),
  raw: o.text,
  value: o.value,
  loose: o.loose,
});

export function parseOptionFile(path: string): ConfigOption[] {
  return readOptionFileTree(path).map((o) => configOption(o.file, o));
}

/**
 * The options of a file as a run uses it (`--server-config`, one file without includes), from its text: after an
 * earlier step of an upgrade path commented options out, this is what the next step judges, not the file on disk.
 */
export function optionsOfText(path: string, text: string): ConfigOption[] {
  return optionsOf(parseOptionText(text)).map((o) => configOption(path, o));
}

/** The options a server reads from these files. */
export const serverOptions = (opts: readonly ConfigOption[]) => opts.filter((o) => isServerGroup(o.group));

/** `file:line` of the option, for reports. */
export const at = (o: ConfigOption) => `${o.file}:${o.line}`;
