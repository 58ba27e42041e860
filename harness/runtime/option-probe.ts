/**
 * Asks a server version itself which options of a configuration it refuses, ignores or deprecates: its binary
 * parses the options (`--verbose --help` on MariaDB, `--validate-config` on MySQL) in a throwaway container of the
 * flavor's image, labelled with the run. Nothing is started on a datadir.
 */
import { randomBytes } from 'node:crypto';
import { ExecError } from '../exec/index.js';
import { docker, putFiles } from './docker.js';
import type { Family } from '../core/index.js';
import type { RunContext } from './run-context.js';

export interface ProbedOption {
  name: string;
  value?: string;
}
export type OptionVerdict = { name: string; verdict: 'refused' | 'ignored' | 'deprecated'; message: string };

/** How each family's server binary checks a configuration without starting. */
const VALIDATE: Record<Family, (file: string) => string[]> = {
  mariadb: (file) => ['mariadbd', `--defaults-file=${file}`, '--user=mysql', '--verbose', '--help'],
  mysql: (file) => ['mysqld', `--defaults-file=${file}`, '--user=mysql', '--validate-config'],
};

const UNKNOWN = /unknown (?:variable|option) '(?:--)?([^'=]+)/i;
const REMOVED = /'([^']+)' was removed\. It does nothing now[^\n]*/g;
const DEPRECATED = /'([^']+)' is deprecated[^\n]*/g;

const norm = (s: string) => s.trim().toLowerCase().replace(/-/g, '_').replace(/^--/, '');

/** One pass of the server over a [mysqld] group of these options; returns what it said. */
async function parseOnce(run: RunContext, image: string, family: Family, options: readonly ProbedOption[]): Promise<string> {
  const text = '[mysqld]\n' + options.map((o) => (o.value === undefined ? o.name : `${o.name}=${o.value}`)).join('\n') + '\n';
  // The options (a user's, values included) go into the created container from memory, never into a host file.
  const name = run.name(`optprobe-${randomBytes(3).toString('hex')}`);
  const remove = async () => {
    await docker(['rm', '-f', '-v', name]);
  };
  run.onTeardown(`remove one-shot container ${name}`, remove);
  try {
    await docker(['create', '--name', name, ...run.labelArgs(), image, ...VALIDATE[family]('/etc/firedrill-probe.cnf')]);
    await putFiles(name, '/etc', [{ name: 'firedrill-probe.cnf', content: text, mode: 0o644 }]);
    try {
      const r = await docker(['start', '-a', name], { timeoutMs: 120_000 });
      return r.stderr;
    } catch (e) {
      if (e instanceof ExecError) return e.stderrTail;
      throw e;
    }
  } finally {
    await remove().catch(() => undefined);
  }
}

/**
 * The server's verdict on every option: refused options are found one per pass (the server stops at the first)
 * and left out of the next pass; removed and deprecated ones are named in its warnings.
 */
export async function probeOptions(
  run: RunContext,
  image: string,
  family: Family,
  options: readonly ProbedOption[],
): Promise<OptionVerdict[]> {
  let left = [...options];
  const out: OptionVerdict[] = [];
  for (let pass = 0; pass <= options.length; pass++) {
    const said = await parseOnce(run, image, family, left);
    const unknown = UNKNOWN.exec(said);
    if (unknown) {
      const name = norm(unknown[1]!);
      const line =
        said
          .split('\n')
          .find((l) => UNKNOWN.test(l))
          ?.trim() ?? unknown[0];
      out.push({ name, verdict: 'refused', message: line.replace(/^\S+\s+\S+\s+\d+\s+/, '') });
      const before = left.length;
      left = left.filter((o) => norm(o.name) !== name);
      if (left.length === before) break; // the server refuses something we did not give it: stop rather than loop
      continue;
    }
    for (const m of said.matchAll(REMOVED)) out.push({ name: norm(m[1]!), verdict: 'ignored', message: m[0] });
    for (const m of said.matchAll(DEPRECATED)) out.push({ name: norm(m[1]!), verdict: 'deprecated', message: m[0] });
    break;
  }
  return out;
}
