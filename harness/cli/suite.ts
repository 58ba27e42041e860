/** `firedrill suite`: every drill of a named suite (firedrill's or firedrill.config.json's), N at once, or one shard of them. */
import { DEFAULT_FLAVOR, flavor as flavorById, UsageError, type FlavorId } from '../core/index.js';
import { findScenario, findSuite, planInputs, resolveParams, SUITES } from '../scenario/index.js';
import { DATASET_HELP, DATASET_OPTIONS, datasetFrom } from './dataset-options.js';
import { runMany } from './drill.js';
import { err, JSON_OPTION, parseOptions, parseParamArgs, parseTimeout, printHelp } from './options.js';
import { parseParallel } from './parallel.js';
import { parseShard, shardOf } from './shard.js';

export const HELP_SUITE = `usage: firedrill suite [name] [--flavor F] [--param k=v]... [dataset options] [--parallel N] [--timeout T] [--json]

Runs every drill of a suite in turn, on the run's dataset and server configuration. Suites: ${[...Object.keys(SUITES), 'matrix (every scenario on every flavor it supports)'].join(', ')}, and those of firedrill.config.json ("suites": {"name": {"drills": [...], "dataset": ..., "serverConfig": ...}}).
  --flavor F          every drill on F (matrix: only F's)
  --parallel N        N drills at once (1-16), each in its own run, progress lines prefixed with the drill
  --param k=v         given to every drill of the suite that has the parameter (one no drill has: exit 2)
  --shard i/n         run only the i-th of n parts (1-based): the n parts together run every drill x flavor exactly
                      once (CI parallel jobs; merge their reports with firedrill report <folders>)
  --verbose           also log every command firedrill runs in each run's drill.log
  --timeout T         deadline of each of the drill's own queries (default 30m): a server that does not answer for
                      this long ends the drill with exit 2, naming the statement and the node
${DATASET_HELP}
Exit: 0 all pass, 1 any failed, 2 could not run.`;

export async function cmdSuite(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    parallel: { type: 'string' },
    flavor: { type: 'string' },
    param: { type: 'string', multiple: true },
    shard: { type: 'string' },
    verbose: { type: 'boolean' },
    timeout: { type: 'string' },
    ...JSON_OPTION,
    ...DATASET_OPTIONS,
  });
  if (values.help) return printHelp(HELP_SUITE);
  const shard = values.shard ? parseShard(values.shard) : undefined;
  if (positionals.length > 1) throw new UsageError('suite takes one suite name');
  const parallel = parseParallel(values.parallel);
  if (parallel instanceof Error) throw new UsageError(parallel.message);
  const name = positionals[0] ?? 'default';
  const suite = await findSuite(name);
  const flavor = values.flavor ? flavorById(values.flavor).id : undefined;
  const given = parseParamArgs(values.param);
  // The run's dataset: --dataset, else the suite's own (config), else Sakila; read once for every drill.
  const dataset =
    datasetFrom(values) ??
    (suite.dataset
      ? datasetFrom({ dataset: suite.dataset, rows: suite.rows?.toString(), databases: suite.databases?.join(',') })
      : undefined);
  const inputs = await planInputs({ dataset, serverConfig: values['server-config'] ?? suite.serverConfig });
  const items: Array<{ scenario: string; flavor: FlavorId; params: Record<string, string | number> }> = [];
  const used = new Set<string>();
  for (const d of suite.drills) {
    const def = await findScenario(d.scenario);
    const f = flavor ?? d.flavor ?? (def.flavors.includes(DEFAULT_FLAVOR) ? DEFAULT_FLAVOR : def.flavors[0]!);
    if (!def.flavors.includes(f)) {
      if (name === 'matrix') continue;
      throw new UsageError(`suite ${name}: ${def.id} does not run on ${f} (supported: ${def.flavors.join(', ')})`);
    }
    if (name === 'matrix' && flavor && d.flavor !== flavor) continue;
    const params: Record<string, string | number> = { ...d.params };
    for (const [k, v] of Object.entries(given))
      if (def.params[k]) {
        params[k] = v;
        used.add(k);
      }
    resolveParams(def, params);
    if (!items.some((i) => i.scenario === d.scenario && i.flavor === f)) items.push({ scenario: d.scenario, flavor: f, params });
  }
  const unknown = Object.keys(given).filter((k) => !used.has(k));
  if (unknown.length) throw new UsageError(`suite ${name}: no drill of it has a parameter ${unknown.join(', ')}`);
  const mine = shard ? shardOf(items, shard) : items;
  if (shard) {
    process.env.FIREDRILL_SHARD = `${shard.index}/${shard.count}`;
    err(
      `suite ${name}, shard ${shard.index}/${shard.count}: ${mine.length} of ${items.length} drills: ${mine.map((x) => `${x.scenario}@${x.flavor}`).join(', ') || 'none'}`,
    );
  }
  return runMany(
    `suite ${name}${shard ? ` (shard ${shard.index}/${shard.count})` : ''}`,
    mine,
    {
      keepArtifacts: false,
      faultDuringBackup: false,
      verbose: !!values.verbose,
      ...(values.timeout === undefined ? {} : { timeoutMs: parseTimeout(values.timeout) }),
    },
    !!values.json,
    parallel,
    inputs,
  );
}
