/**
 * A server option file (my.cnf) as the server reads it: groups, options with their line, `!include` and
 * `!includedir` followed. Option names are normalised the server's way (dashes and underscores are the same,
 * `loose-` is a prefix that turns an unknown option into a warning).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface ConfigOption {
  file: string;
  line: number;
  group: string;
  name: string;
  raw: string;
  value?: string;
  loose: boolean;
}

/** Groups a MariaDB server reads (mariadbd and its aliases, and the version-suffixed ones). */
const SERVER_GROUPS = /^(mysqld|mariadbd|server|mariadb|galera|mysqld-\d.*|mariadb-\d.*|mariadbd-\d.*)$/i;

const normalise = (name: string) => name.trim().toLowerCase().replace(/-/g, '_');

export function parseOptionFile(path: string, seen = new Set<string>()): ConfigOption[] {
  const file = resolve(path);
  if (seen.has(file)) return [];
  seen.add(file);
  const out: ConfigOption[] = [];
  let group = '';
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((text, i) => {
      const line = text.trim();
      if (!line || line.startsWith('#') || line.startsWith(';')) return;
      const inc = /^!include(dir)?\s+(.+)$/.exec(line);
      if (inc) {
        const target = resolve(dirname(file), inc[2]!.trim());
        if (inc[1]) {
          for (const f of readdirSync(target)
            .filter((n) => n.endsWith('.cnf'))
            .sort())
            out.push(...parseOptionFile(join(target, f), seen));
        } else out.push(...parseOptionFile(target, seen));
        return;
      }
      const g = /^\[(.+)\]$/.exec(line);
      if (g) {
        group = g[1]!.trim();
        return;
      }
      const m = /^([^=\s#]+)\s*(?:=\s*(.*?))?\s*(?:#.*)?$/.exec(line);
      if (!m) return;
      let name = normalise(m[1]!);
      const loose = name.startsWith('loose_');
      if (loose) name = name.slice(6);
      out.push({ file, line: i + 1, group, name, raw: line, value: m[2], loose });
    });
  return out;
}

/** The options a server reads from these files. */
export const serverOptions = (opts: readonly ConfigOption[]) => opts.filter((o) => SERVER_GROUPS.test(o.group));

/** The variable an option sets: `skip-x`, `enable-x`, `disable-x`, `maximum-x` name x. */
export function variableOf(name: string): string {
  return name.replace(/^(skip|enable|disable|maximum)_/, '');
}

/** `file:line` of the option, for reports. */
export const at = (o: ConfigOption) => `${o.file}:${o.line}`;
