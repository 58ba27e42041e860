import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { imageExists } from './docker.js';
import { isFlavorId, UsageError, type Flavor, type FlavorId } from '../core/index.js';
import { ensureImage } from './images.js';
import { projectRoot } from './paths.js';
import { parseObjectives, type ObjectivesConfig } from './objectives-config.js';
import { parseReadyTimeoutRule, type ReadyTimeoutRule } from './ready-timeout.js';

/** One drill of a suite: a scenario id (or a drill file's path), on a flavor, with parameters. */
export interface SuiteItem {
  scenario: string;
  flavor?: FlavorId;
  params?: Record<string, string | number>;
}
/** A suite defined in the config: its drills and, optionally, the dataset and server configuration they run on. */
export interface SuiteConfig {
  drills: SuiteItem[];
  dataset?: string;
  rows?: number;
  databases?: string[];
  serverConfig?: string;
}

/**
 * firedrill.config.json (optional; paths in it are relative to its folder):
 * - `images`: a flavor's image the user provides (e.g. from a registry);
 * - `ownSchema`: the database firedrill keeps its own tables in (ledger, bulk table, drill targets: `<name>`,
 *   `<name>_bulk`, `<name>_targets`, `<name>_a`... on a fan-in); default `firedrill`;
 * - `accounts`: the names of firedrill's accounts on the drill servers (`admin`, `replication`);
 * - `drillFolders`: folders whose `*.ts` drill files join the catalog;
 * - `suites`: named suites of drills;
 * - `objectives`: recovery objectives per drill (RTO seconds, RPO writes and seconds), judged in every result;
 * - `readyTimeout`: how long a node may take to answer after it starts (runtime/ready-timeout.ts).
 */
export interface Config {
  images: Partial<Record<FlavorId, string>>;
  ownSchema: string;
  accounts: { admin: string; replication: string };
  drillFolders: string[];
  suites: Record<string, SuiteConfig>;
  /** Recovery objectives by drill id (and `default`): {rtoSeconds, rpoWrites, rpoSeconds}; see harness/report/objectives.ts. */
  objectives?: ObjectivesConfig;
  /** The ready deadline's rule, when the config changes the measured defaults. */
  readyTimeout?: ReadyTimeoutRule;
  /** The file it was read from (undefined: none). */
  source?: string;
}

const KEYS = ['images', 'ownSchema', 'accounts', 'drillFolders', 'suites', 'objectives', 'readyTimeout'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
export const defaultConfig = (): Config => ({
  images: {},
  ownSchema: 'firedrill',
  accounts: { admin: 'firedrill', replication: 'firedrill_repl' },
  drillFolders: [],
  suites: {},
});

let loaded: Config | undefined;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseConfig(text: string, source: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObj(raw)) throw new UsageError(`${source}: must be a JSON object`);
  const cfg = defaultConfig();
  cfg.source = source;
  const base = dirname(resolve(source));
  const bad = (what: string) => {
    throw new UsageError(`${source}: ${what}`);
  };
  for (const [k, v] of Object.entries(raw)) {
    if (!KEYS.includes(k)) bad(`unknown key '${k}' (known: ${KEYS.join(', ')})`);
    if (k === 'images') {
      if (!isObj(v)) bad("'images' must map flavor ids to image references");
      for (const [f, ref] of Object.entries(v as object)) {
        if (!isFlavorId(f)) bad(`images: unknown flavor '${f}'`);
        if (typeof ref !== 'string' || !/^[\w./:@-]+$/.test(ref)) bad(`images.${f}: not an image reference`);
        cfg.images[f as FlavorId] = ref as string;
      }
    }
    if (k === 'ownSchema') {
      if (typeof v !== 'string' || !NAME.test(v)) bad("'ownSchema' must be a database name (letters, digits, _; at most 32)");
      cfg.ownSchema = v as string;
    }
    if (k === 'accounts') {
      if (!isObj(v)) bad("'accounts' must be an object {admin, replication}");
      for (const [a, name] of Object.entries(v as object)) {
        if (a !== 'admin' && a !== 'replication') bad(`accounts: unknown key '${a}' (known: admin, replication)`);
        if (typeof name !== 'string' || !NAME.test(name)) bad(`accounts.${a}: not an account name`);
        cfg.accounts[a as 'admin' | 'replication'] = name as string;
      }
      if (cfg.accounts.admin === cfg.accounts.replication) bad('accounts: admin and replication must differ');
    }
    if (k === 'drillFolders') {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) bad("'drillFolders' must be a list of folders");
      cfg.drillFolders = (v as string[]).map((f) => resolve(base, f));
    }
    if (k === 'objectives') {
      const o = parseObjectives(v, source);
      if (typeof o === 'string') throw new UsageError(o);
      cfg.objectives = o;
    }
    if (k === 'readyTimeout') {
      const r = parseReadyTimeoutRule(v, source);
      if (typeof r === 'string') throw new UsageError(r);
      cfg.readyTimeout = r;
    }
    if (k === 'suites') {
      if (!isObj(v)) bad("'suites' must map names to {drills: [...]}");
      for (const [name, sv] of Object.entries(v as object)) cfg.suites[name] = parseSuite(sv, `${source}: suites.${name}`, base);
    }
  }
  return cfg;
}

function parseSuite(v: unknown, where: string, base: string): SuiteConfig {
  const bad = (what: string): never => {
    throw new UsageError(`${where}: ${what}`);
  };
  if (!isObj(v)) return bad('must be an object with "drills"');
  const known = ['drills', 'dataset', 'rows', 'databases', 'serverConfig'];
  for (const k of Object.keys(v)) if (!known.includes(k)) bad(`unknown key '${k}' (known: ${known.join(', ')})`);
  if (!Array.isArray(v['drills']) || !v['drills'].length) bad('"drills" must be a non-empty list');
  const drills = (v['drills'] as unknown[]).map((d, i): SuiteItem => {
    if (typeof d === 'string') return { scenario: d.includes('/') ? resolve(base, d) : d };
    if (!isObj(d) || typeof d['scenario'] !== 'string') return bad(`drills[${i}]: a scenario id, or {scenario, flavor?, params?}`);
    const f = d['flavor'];
    if (f !== undefined && (typeof f !== 'string' || !isFlavorId(f))) bad(`drills[${i}]: unknown flavor '${String(f)}'`);
    const p = d['params'];
    if (p !== undefined && (!isObj(p) || !Object.values(p).every((x) => typeof x === 'string' || typeof x === 'number')))
      bad(`drills[${i}]: params must map names to numbers or strings`);
    const sc = d['scenario'] as string;
    return {
      scenario: sc.includes('/') ? resolve(base, sc) : sc,
      flavor: f as FlavorId | undefined,
      params: p as Record<string, string | number> | undefined,
    };
  });
  const s: SuiteConfig = { drills };
  if (v['dataset'] !== undefined) {
    if (typeof v['dataset'] !== 'string') bad('"dataset" must be a string');
    const ds = v['dataset'] as string;
    s.dataset = ds === 'sakila' || ds === 'none' || ds.startsWith('mysql://') ? ds : resolve(base, ds);
  }
  if (v['rows'] !== undefined) {
    if (!Number.isInteger(v['rows'])) bad('"rows" must be a whole number');
    s.rows = v['rows'] as number;
  }
  if (v['databases'] !== undefined) {
    if (!Array.isArray(v['databases'])) bad('"databases" must be a list');
    s.databases = v['databases'] as string[];
  }
  if (v['serverConfig'] !== undefined) {
    if (typeof v['serverConfig'] !== 'string') bad('"serverConfig" must be a path');
    s.serverConfig = resolve(base, v['serverConfig'] as string);
  }
  return s;
}

/** Reads the config: FIREDRILL_CONFIG names a file that must exist; otherwise firedrill.config.json if present. */
export function loadConfig(): Config {
  if (loaded) return loaded;
  const named = process.env.FIREDRILL_CONFIG;
  if (named && !existsSync(named)) throw new UsageError(`config file ${named} (FIREDRILL_CONFIG) does not exist`);
  const path = named ?? resolve(projectRoot, 'firedrill.config.json');
  loaded = existsSync(path) ? parseConfig(readFileSync(path, 'utf8'), path) : defaultConfig();
  return loaded;
}

/** The names firedrill gives its own objects on the drill servers (from the config). */
export interface OwnNames {
  /** The ledger's database (one primary); `<schema>_<x>` for each primary of a fan-in. */
  schema: string;
  /** The generated bulk table's database. */
  bulk: string;
  /** Objects the harness creates as drill targets (the crash-loop's poison row, the errant write). */
  targets: string;
  admin: string;
  repl: string;
}

export function ownNames(cfg: Config = loadConfig()): OwnNames {
  const s = cfg.ownSchema;
  return { schema: s, bulk: `${s}_bulk`, targets: `${s}_targets`, admin: cfg.accounts.admin, repl: cfg.accounts.replication };
}

/** A database name is firedrill's own: the schema itself or one of `<schema>_*`. */
export const isOwnDatabase = (own: OwnNames, db: string) =>
  db.toLowerCase() === own.schema.toLowerCase() || db.toLowerCase().startsWith(`${own.schema.toLowerCase()}_`);

/** The image for a flavor: the configured one (which must exist), or firedrill's own, built if missing. */
export async function resolveImage(flavor: Flavor, progress: (m: string) => void): Promise<string> {
  const configured = loadConfig().images[flavor.id];
  if (configured) {
    if (!(await imageExists(configured)))
      throw new UsageError(`image '${configured}' configured for ${flavor.id} is not present (docker pull it first)`);
    return configured;
  }
  return ensureImage(flavor, progress);
}
