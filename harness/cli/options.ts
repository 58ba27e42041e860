/**
 * The one option-parsing helper of the firedrill command: every command's options, --help, and the values most
 * commands share (durations, whole numbers, lists, flavors, --param). Bad input is a UsageError: one line, exit 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_FLAVOR, flavor as flavorById, UsageError, type Flavor } from '../core/index.js';

export const out = (s: string) => process.stdout.write(s + '\n');
export const err = (s: string) => process.stderr.write(s + '\n');
/** A progress line on stderr, stamped with the time of day (UTC). */
export const progressLine = (m: string) => err(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean' } } as const;

/**
 * A command's options (strict: an unknown option is refused) plus --help, with positionals when `positionals` says
 * so. A parse error is bad input: its first line, exit 2.
 */
export function parseOptions<const O extends OptionsConfig, const P extends boolean = true>(args: string[], options: O, positionals?: P) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: (positionals ?? true) as P,
      options: { ...options, ...HELP_OPTION } as O & typeof HELP_OPTION,
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!);
  }
}

/** Prints a command's help on stdout: exit 0. */
export function printHelp(text: string): number {
  out(text);
  return 0;
}

/** The options of a command that prints its result as JSON on request. */
export const JSON_OPTION = { json: { type: 'boolean' } } as const;

/**
 * A duration: a number and a unit among `units` (milliseconds per unit); without a unit, `bare` when given, else
 * refused with the line `refuse` gives.
 */
export function parseDurationWith(
  text: string,
  units: Readonly<Record<string, number>>,
  bare: string | undefined,
  refuse: (text: string) => string,
): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(text.trim());
  const unit = m?.[2] || bare;
  if (!m || !unit || !(unit in units)) throw new UsageError(refuse(text));
  return Number(m[1]) * units[unit]!;
}

/** "26h", "90m", "2d", "3600s" → milliseconds (--max-age). */
export const parseDuration = (s: string): number =>
  parseDurationWith(
    s,
    { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 },
    undefined,
    (t) => `bad duration '${t}' (expected e.g. 26h, 90m, 2d)`,
  );

/** The default of --timeout (verify, snapshot): a server that gives no answer to one query for this long is an error. */
const DEFAULT_TIMEOUT_MS = 60_000;

/** `--timeout T`: seconds, or a number with ms, s or m; more than zero. */
export function parseTimeout(v: string | undefined): number {
  if (v === undefined) return DEFAULT_TIMEOUT_MS;
  const refuse = (t: string) => `bad --timeout '${t}' (seconds, or a number with ms, s or m)`;
  const ms = Math.round(parseDurationWith(v, { ms: 1, s: 1000, m: 60_000 }, 's', refuse));
  if (ms <= 0) throw new UsageError(refuse(v));
  return ms;
}

/** `--name N`: a whole number (undefined when not given). */
export function wholeNumber(name: string, v: string | undefined, signed = false): number | undefined {
  if (v === undefined) return undefined;
  if (!(signed ? /^-?\d+$/ : /^\d+$/).test(v)) throw new UsageError(`--${name} ${v}: expected a whole number`);
  return Number(v);
}

/** `a, b,,c` → ['a', 'b', 'c'] (undefined when not given). */
export const listOption = (v: string | undefined): string[] | undefined =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `--flavor F` (default: `dflt`, else firedrill's default flavor); an unknown flavor is refused naming the known ones. */
export const flavorOption = (v: string | undefined, dflt: string = DEFAULT_FLAVOR): Flavor => flavorById(v ?? dflt);

/** `--param name=value`: a number when it reads as one, otherwise a string (the scenario's ParamSpec checks it). */
export function parseParamArgs(list: readonly string[] | undefined): Record<string, string | number> {
  const p: Record<string, string | number> = {};
  for (const kv of list ?? []) {
    const m = /^(\w+)=(.*)$/s.exec(kv);
    if (!m) throw new UsageError(`bad --param '${kv}' (expected name=value)`);
    p[m[1]!] = /^-?\d+(\.\d+)?$/.test(m[2]!) ? Number(m[2]) : m[2]!;
  }
  return p;
}
