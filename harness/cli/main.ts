import { cmdChain, HELP_CHAIN } from './chain-verify.js';
import { parseArgs } from 'node:util';
import { ExecError, HarnessError, signalExitCode, withCancelScope } from '../exec/index.js';
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { DEFAULT_FLAVOR, familyOfVersion, flavor as flavorById, FLAVORS, UsageError, type FlavorId } from '../core/index.js';
import {
  cleanDeadRuns,
  databasesOf,
  engineVersion,
  familyAdapter,
  imageExists,
  loadConfig,
  planImage,
  ensureImage,
  S3_SERVER_IMAGE,
  resolveImage,
  RunContext,
} from '../runtime/index.js';
import {
  errorResult,
  exitCodeOf,
  findScenario,
  findSuite,
  loadScenarios,
  planDrill,
  planInputs,
  resolveParams,
  runScenario,
  SUITES,
  type DrillInputs,
  type ScenarioDefinition,
} from '../scenario/index.js';
import { DATASET_HELP, DATASET_OPTIONS, datasetFrom, parseParamArgs } from './dataset-options.js';
import { connectDsn, dsnArg, parseTimeout } from './connect.js';
import { doctorInputs } from './doctor-inputs.js';
import { cmdPreUpgrade } from './pre-upgrade.js';
import { consoleSummary, writeReport, type DrillResult } from '../report/index.js';
import { compareServers, gtidPositionsEqual, UnknownDatabaseError, type CheckResult, type Queryable } from '../verify/index.js';
import { inspect } from '../sql/index.js';
import { parseParallel, runPool } from './parallel.js';
import { cmdRestoreTest, HELP_RESTORE_TEST } from './restore-test.js';
import { cmdSnapshot, HELP_SNAPSHOT } from './snapshot.js';
import { cmdChaos, HELP_CHAOS } from './chaos.js';
import { join } from 'node:path';
import { cmdReport, HELP_REPORT } from './report.js';
import { parseShard, shardOf } from './shard.js';
import { consoleTime, DrillLog, firedrillCommit, firedrillVersion } from '../report/index.js';
import { observeCommands } from '../exec/index.js';
import { reportsDir } from '../runtime/paths.js';

const HELP: Record<string, string> = {
  main: `firedrill: restore drills and chaos tests for MySQL and MariaDB

usage: firedrill <command> [options]

commands:
  list [--json]                     the scenarios
  run <id|file.ts> [--flavor F | --all-flavors] [--param k=v] [--dataset D [--rows N] [--databases a,b]]
      [--server-config my.cnf] [--keep-artifacts] [--fault-during-backup] [--json]
                                    run a drill, firedrill's or your own file (exit 0 pass, 1 fail, 2 could not run)
  suite [name] [--flavor F] [--dataset D] [--server-config F] [--param k=v] [--parallel N] [--shard i/n] [--json]
                                    run a named suite of drills (default: "default"; also firedrill.config.json's), N at once;
                                    --shard: one CI job's part
  report [--out FILE] [--redact] [--strict] [--history FILE] [PATH...]
                                    one self-contained HTML report of drill results and their trend
  verify --source DSN --target DSN [--databases a,b] [--gtid] [--full-rows] [--ignore-accounts u,v] [--timeout T] [--json]
                                    compare two live servers (exit 0 equal, 1 different, 2 error)
  pre-upgrade --from F --to G [--queries FILE] [--server-config my.cnf] [--dataset D] [--json]
                                    validate an upgrade: incompatibility report, query replay on both
                                    versions, rolling upgrade with rollback; exit 1 on a blocking finding
  images [--flavor F] [--s3]        build the flavor images that are missing (cached by input hash); --s3 the test store's
  doctor [--dataset D] [--server-config F]
                                    what is there and what is missing (engine, images, config, drills, datasets), with the fix
  clean [--all]                     remove containers, volumes, networks of runs that are no longer alive
  snapshot --source DSN --out STATE.json [--databases a,b] [--hold-replica] [-- BACKUP COMMAND]
                                    record the state a backup must restore to
  restore-test --artifact PATH --flavor F [--expect STATE.json] [--max-age 26h] [--json]
                                    restore-test a backup made by your own tools (exit 0 good, 1 bad backup, 2 not a backup)
  chain verify --location PATH|s3://… [--max-age 26h] [--json]
                                    recovery windows and breaks of a backup location, from metadata and binlog headers
  chaos --topology T [--seed S] ... generative chaos: random fault schedules, invariants, replay, shrinking

Every command takes --help (or: firedrill help <command>). firedrill --version prints the version and commit.
run and suite take --verbose: every command line firedrill runs goes to the run's drill.log (and stderr).`,
  list: 'usage: firedrill list [--json]\n\nLists the scenarios. --json: an array of {id, description, flavors, params}.',
  run: `usage: firedrill run <id|path/to/drill.ts> [--flavor F | --all-flavors] [--param name=value]... [dataset options] [--keep-artifacts] [--fault-during-backup] [--json]

Runs one drill and writes reports/<run-id>/{result.json,summary.md,junit.xml,ledger.json}. A path runs a drill file of
your own (export default defineScenario({...}), importing from 'firedrill').
  --flavor F          ${Object.keys(FLAVORS).join(' | ')} (default ${DEFAULT_FLAVOR})
  --all-flavors       run on every flavor the scenario supports, one after another (--json: an array)
  --param k=v         a scenario parameter, number or string (see 'firedrill list')
${DATASET_HELP}
  --keep-artifacts    keep the backup store under the report folder
  --instant-verify    after every mariabackup backup, also check the artifact where it lies: a read-only server on
                      it (no copy), the restore checks, then every file re-hashed (checks instant-N-*; MariaDB only;
                      crash-consistent copies need InnoDB recovery and are restored instead)
  --fault-during-backup
                      SIGKILL the backup node in the middle of each backup: it must fail loudly and leave nothing a
                      restore would accept; the retry must succeed (checks backup-fault-*, backup-retry-succeeds)
  --json              print the result object on stdout and nothing else there
  --verbose           also log every command firedrill runs (argv; passwords are never on argv, and anything
                      that looks like one is replaced by ***)
Progress goes to stderr and to reports/<run-id>/drill.log (timestamps with their zone).
Exit: 0 pass, 1 fail, 2 could not run. Everything started is removed at the end, also on Ctrl-C.`,
  suite: `usage: firedrill suite [name] [--flavor F] [--param k=v]... [dataset options] [--parallel N] [--json]

Runs every drill of a suite in turn, on the run's dataset and server configuration. Suites: ${[...Object.keys(SUITES), 'matrix (every scenario on every flavor it supports)'].join(', ')}, and those of firedrill.config.json ("suites": {"name": {"drills": [...], "dataset": ..., "serverConfig": ...}}).
  --flavor F          every drill on F (matrix: only F's)
  --parallel N        N drills at once (1-16), each in its own run, progress lines prefixed with the drill
  --param k=v         given to every drill of the suite that has the parameter (one no drill has: exit 2)
  --shard i/n         run only the i-th of n parts (1-based): the n parts together run every drill x flavor exactly
                      once (CI parallel jobs; merge their reports with firedrill report <folders>)
  --verbose           also log every command firedrill runs in each run's drill.log
${DATASET_HELP}
Exit: 0 all pass, 1 any failed, 2 could not run.`,
  verify: `usage: firedrill verify --source DSN --target DSN [--databases a,b] [--gtid] [--full-rows] [--ignore-accounts u,v] [--timeout T] [--json]
  DSN: mysql://user:password@host:port[/database][?ssl-mode=DISABLED|PREFERRED|REQUIRED|VERIFY_CA|VERIFY_IDENTITY&ssl-ca=PATH]
       (default PREFERRED, as the mysql client; an unknown option is refused; a path means --databases database)

Compares every schema object with the settings that change its behaviour (sql_mode, character set, collation),
every table's data, sequences' state, system-versioned tables' history, and accounts, roles and grants (password
hashes compared by digest, never printed). Data: equal CHECKSUM TABLE values settle a table as equal; otherwise the
rows decide (chunked row fingerprints by primary key that name the differing rows; tables without one as multisets
of rows): a checksum never proves "different". --full-rows: the rows decide on every table. Floating-point values
are compared by exact value; rows of any size. --gtid also compares GTID positions. --ignore-accounts: user names
left out of the account comparison (e.g. a monitoring user that differs per server by design).
Default scope: every database except the system ones, on either side; --databases naming a database that exists on
neither side is an error. Exit 0 equal, 1 different, 2 error.
  --timeout T   deadline of the connection and of every query (default 60 s without an answer: exit 2, naming the
                query); T in seconds, or with ms / s / m
Tip: put passwords in the environment and refer to them as \${VAR} inside the DSN to keep them off argv.`,
  images:
    'usage: firedrill images [--flavor F] [--s3]\n\nBuilds missing images (debootstrap + docker import + docker/<dir>/Dockerfile). Nothing is rebuilt if an image with the same inputs exists.\n  --s3   also the S3-compatible store the tests run against (docker/s3)',
  report: HELP_REPORT,
  doctor: `usage: firedrill doctor [--dataset D [--rows N]] [--server-config F]

Reports the Docker engine, the images per flavor, firedrill.config.json, the drills (and drill folders), every suite's
drills, dataset and server configuration, and the dataset and server configuration given here (files read,
databases listed, clashes with firedrill's own schema or accounts), with the fix for what is missing. Exit 0 when all
is there, 2 otherwise.`,
  'restore-test': HELP_RESTORE_TEST,
  chain: HELP_CHAIN,
  snapshot: HELP_SNAPSHOT,
  chaos: HELP_CHAOS,
  clean: 'usage: firedrill clean [--all]\n\nRemoves containers, volumes and networks of runs whose process is gone (--all: of every run).',
};

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

/** Parses options; a parse error is bad input (one line, exit 2). */
function parse<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!);
  }
}

/** Drill-wide options from the command line. */
interface DrillFlags {
  keepArtifacts: boolean;
  faultDuringBackup: boolean;
  instantVerify?: boolean;
  verbose?: boolean;
}

/** The signal that interrupted this process, if one did: no drill starts after it (suite, --parallel). */
let interruptedBy: NodeJS.Signals | undefined;

/** Thrown to stop a series of drills once one was interrupted: the process exits with this code after teardown. */
class Interrupted extends Error {
  constructor(readonly code: number) {
    super(`interrupted (exit ${code})`);
  }
}

/**
 * Runs one drill. A signal interrupts it: the drill's commands are killed, teardown runs to its end (a second signal
 * does not cut it short), and only then are result.json and junit.xml written, with verdict "interrupted" and any
 * teardown failure. Whatever happens after the run starts, its report is written.
 */
async function drill(
  id: string | ScenarioDefinition,
  flavorId: FlavorId,
  params: Readonly<Record<string, string | number>>,
  flags: DrillFlags,
  inputs: DrillInputs = {},
  label = '',
  stop?: AbortSignal,
): Promise<DrillResult> {
  // Progress goes to stderr and, once the run exists, to its drill.log; --verbose adds every command line (redacted).
  let log: DrillLog | undefined;
  const say = (m: string, at = Date.now()) => err(`[${consoleTime(at)}]${label ? ` [${label}]` : ''} ${m}`);
  const progress = (m: string) => {
    const at = Date.now();
    say(m, at);
    log?.line(m, at);
  };
  // Bad input is refused before anything starts: the scenario, the flavor, the parameters (one line, exit 2).
  const def = typeof id === 'string' ? await findScenario(id) : id;
  if (!def.flavors.includes(flavorId))
    throw new UsageError(`scenario ${def.id} does not run on ${flavorId} (supported: ${def.flavors.join(', ')})`);
  resolveParams(def, params);
  if (interruptedBy) throw new Interrupted(signalExitCode(interruptedBy));
  const run = new RunContext();
  log = new DrillLog(join(reportsDir, run.runId, 'drill.log'));
  const unobserve = flags.verbose
    ? observeCommands((argv) => {
        const at = Date.now();
        say(log!.command(argv, at), at);
      })
    : () => {};
  const onSignal = (sig: NodeJS.Signals) => {
    interruptedBy ??= sig;
    if (run.interruptedBy) {
      progress(`${sig} again: teardown of run ${run.runId} goes on to its end (SIGKILL leaves the rest to 'firedrill clean')`);
      return;
    }
    progress(`${sig}: interrupting run ${run.runId}; tearing down`);
    run.interrupt(sig);
    void run.teardown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The caller stops the run (chaos's budget): interrupted and torn down like a signal, but the process goes on.
  const onStop = () => {
    progress(`stopped by the caller (budget reached): interrupting run ${run.runId}; tearing down`);
    run.interrupt('SIGTERM');
    void run.teardown();
  };
  if (stop?.aborted) onStop();
  else stop?.addEventListener('abort', onStop, { once: true });
  let result: DrillResult | undefined;
  let opened = false;
  try {
    try {
      // No engine, a missing image, a lease that cannot start: the run could not start; its report says why, and
      // stderr has the one line of the cause (no progress line comes before it).
      // A missing own image is built, in the run's cancel scope: a signal during the build kills debootstrap at once.
      const plan = await withCancelScope(run.signal, () => planDrill(def, flavorId, params, progress, inputs));
      // Opened (lease running) before the run is announced: a run named on stderr can always be judged dead by
      // `firedrill clean`, which then writes its report.
      await run.open({ leaseImage: plan.image });
      opened = true;
      progress(`run ${run.runId}: ${def.id} on ${flavorId}`);
      progress(`dataset ${plan.dataset.name}${plan.serverConfig ? `, server config ${plan.serverConfig.path}` : ''}`);
      result = await runScenario(plan, { run, progress, ...flags, command: ['firedrill', ...process.argv.slice(2)] });
      // could not run (a refused server option, an engine that went away): one clear line naming the cause
      if (result.verdict === 'error' && result.error) err(`firedrill: ${result.error.split('\n')[0]}`);
    } catch (e) {
      err(`firedrill: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      result = errorResult(def, flavorId, run.runId, e, run.interruptedBy ? 'interrupted' : 'error');
    }
    // A run refused before it opened (no engine, a missing image) created nothing: its sweep's failures say nothing.
    const failures = (await run.teardown()).filter(() => opened);
    for (const f of failures) progress(`teardown: ${f}`);
    if (run.interruptedBy && result.verdict !== 'interrupted') {
      result.verdict = 'interrupted';
      result.cause = { kind: 'interrupted', message: `interrupted by ${run.interruptedBy}` };
    }
    if (failures.length) {
      result.teardownFailures = failures;
      if (result.verdict === 'pass') {
        result.verdict = 'error';
        result.error = `teardown failed: ${failures.join('; ')}`;
        result.cause = { kind: 'environment', message: result.error };
      }
    }
    await mkdir(result.reportDir, { recursive: true });
    result.tornDown = true;
    await writeReport(result); // after teardown: its failures are in the report
  } finally {
    unobserve();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stop?.removeEventListener('abort', onStop);
  }
  if (run.interruptedBy && (interruptedBy || !stop?.aborted)) {
    progress(`run ${run.runId} interrupted by ${run.interruptedBy}; torn down; report in ${result.reportDir}`);
    throw new Interrupted(signalExitCode(run.interruptedBy));
  }
  return result;
}

/**
 * Runs drills one after another: each summary as it ends (or one JSON array at the end), then a closing line.
 * Exit 0 when all passed, 1 when any failed, else 2 when any could not run; an interrupt stops the series.
 */
async function runMany(
  label: string,
  items: ReadonlyArray<{ scenario: string; flavor: FlavorId; params?: Readonly<Record<string, string | number>> }>,
  flags: DrillFlags,
  json: boolean,
  parallel = 1,
  inputs: DrillInputs = {},
): Promise<number> {
  // --parallel N: N drills at once on the one engine, each in its own run (own containers, network, report folder);
  // progress lines carry the drill's name, each summary is printed whole as its drill ends.
  // A drill that could not run (bad input, no engine) stops the suite as in sequential mode: exit 2.
  const results = await runPool(items, parallel, async (item) => {
    const r = await drill(
      item.scenario,
      item.flavor,
      item.params ?? {},
      flags,
      inputs,
      parallel > 1 ? `${item.scenario} ${item.flavor}` : '',
    );
    if (!json) out(consoleSummary(r));
    return r;
  });
  const failed = results.filter((r) => r.verdict === 'fail').length;
  const errors = results.filter((r) => r.verdict === 'error').length;
  if (json) out(JSON.stringify(results, null, 2));
  else out(`${label}: ${results.length - failed - errors} passed, ${failed} failed${errors ? `, ${errors} could not run` : ''}`);
  return failed ? 1 : errors ? 2 : 0;
}

async function cmdRun(args: string[]): Promise<number> {
  const { values, positionals } = parse(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        flavor: { type: 'string' },
        'all-flavors': { type: 'boolean' },
        param: { type: 'string', multiple: true },
        'keep-artifacts': { type: 'boolean' },
        'fault-during-backup': { type: 'boolean' },
        'instant-verify': { type: 'boolean' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
        ...DATASET_OPTIONS,
      },
    }),
  );
  if (values.help) {
    out(HELP['run']!);
    return 0;
  }
  const flags: DrillFlags = {
    keepArtifacts: !!values['keep-artifacts'],
    faultDuringBackup: !!values['fault-during-backup'],
    instantVerify: !!values['instant-verify'],
    verbose: !!values.verbose,
  };
  if (flags.instantVerify && (values['all-flavors'] || flavorById(values.flavor ?? DEFAULT_FLAVOR).family !== 'mariadb')) {
    throw new UsageError(
      '--instant-verify runs on MariaDB flavors only (MySQL keeps its accounts in InnoDB, read-only in the instant check): give --flavor mariadb-…',
    );
  }
  if (positionals.length !== 1) throw new UsageError('run takes exactly one scenario id or drill file (see firedrill list)');
  if (values['all-flavors'] && values.flavor) throw new UsageError('give --flavor or --all-flavors, not both');
  const params = parseParamArgs(values.param);
  const def = await findScenario(positionals[0]!);
  resolveParams(def, params);
  // The dataset and the server configuration are read once, before anything starts (exit 2 on bad input).
  const inputs = await planInputs({ dataset: datasetFrom(values), serverConfig: values['server-config'] });
  if (values['all-flavors']) {
    return runMany(
      `${def.id} on every flavor`,
      def.flavors.map((flavor) => ({ scenario: positionals[0]!, flavor, params })),
      flags,
      !!values.json,
      1,
      inputs,
    );
  }
  const f = flavorById(values.flavor ?? (def.flavors.includes(DEFAULT_FLAVOR) ? DEFAULT_FLAVOR : def.flavors[0]!)).id;
  const r = await drill(positionals[0]!, f, params, flags, inputs);
  if (values.json) out(JSON.stringify(r, null, 2));
  else out(consoleSummary(r));
  return exitCodeOf(r);
}

async function cmdSuite(args: string[]): Promise<number> {
  const { values, positionals } = parse(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        parallel: { type: 'string' },
        help: { type: 'boolean' },
        flavor: { type: 'string' },
        param: { type: 'string', multiple: true },
        shard: { type: 'string' },
        verbose: { type: 'boolean' },
        ...DATASET_OPTIONS,
      },
    }),
  );
  if (values.help) {
    out(HELP['suite']!);
    return 0;
  }
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
    { keepArtifacts: false, faultDuringBackup: false, verbose: !!values.verbose },
    !!values.json,
    parallel,
    inputs,
  );
}

async function cmdList(args: string[]): Promise<number> {
  const { values } = parse(() =>
    parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean' }, help: { type: 'boolean' } } }),
  );
  if (values.help) {
    out(HELP['list']!);
    return 0;
  }
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

/** Compares the GTID positions of two live servers in their own format (found from VERSION()). */
async function compareGtid(src: Queryable, dst: Queryable): Promise<CheckResult> {
  const family = async (q: Queryable) => familyOfVersion(String((await q.query<{ v: string }>(inspect.serverVersion()))[0]?.v ?? ''));
  const [fa, fb] = await Promise.all([family(src), family(dst)]);
  if (fa !== fb)
    return { name: 'gtid', valid: false, details: { error: `GTID formats differ: ${src.name} is ${fa}, ${dst.name} is ${fb}` } };
  const adapter = familyAdapter(fa);
  const stmt = adapter.dialect.gtidExecuted();
  const [[a], [b]] = await Promise.all([src.query<{ gtid: string }>(stmt), dst.query<{ gtid: string }>(stmt)]);
  return gtidPositionsEqual(adapter.gtid, String(a?.gtid ?? ''), String(b?.gtid ?? ''), 'gtid');
}

async function cmdVerify(args: string[]): Promise<number> {
  const { values } = parse(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        source: { type: 'string' },
        target: { type: 'string' },
        databases: { type: 'string' },
        gtid: { type: 'boolean' },
        'full-rows': { type: 'boolean' },
        'ignore-accounts': { type: 'string' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean' },
      },
    }),
  );
  if (values.help) {
    out(HELP['verify']!);
    return 0;
  }
  if (!values.source || !values.target) throw new UsageError('verify needs --source and --target (mysql://user:password@host:port)');
  const timeoutMs = parseTimeout(values.timeout);
  const [srcDsn, dstDsn] = [dsnArg(values.source), dsnArg(values.target)];
  const databases = databasesOf(values.databases, srcDsn, dstDsn);
  const src = await connectDsn(srcDsn, timeoutMs);
  try {
    const dst = await connectDsn(dstDsn, timeoutMs);
    try {
      const excludeAccounts = values['ignore-accounts']
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const checks: CheckResult[] = await compareServers(src, dst, {
        databases,
        excludeAccounts,
        rows: values['full-rows'] ? 'always' : 'checksum-fast-path',
        progress: values.json ? undefined : (m) => err(m),
      }).catch((e: unknown) => {
        if (e instanceof UnknownDatabaseError) throw new UsageError(`verify --databases: ${e.message}`);
        throw e;
      });
      if (values.gtid) checks.push(await compareGtid(src, dst));
      const equal = checks.every((c) => c.valid);
      if (values.json) out(JSON.stringify({ source: src.name, target: dst.name, equal, checks }, null, 2));
      else {
        for (const c of checks) {
          out(`${c.valid ? 'ok  ' : 'DIFF'} ${c.name}`);
          for (const d of (c.details['differences'] as Array<Record<string, unknown>> | undefined) ?? []) {
            out(
              `     ${d['database']}.${d['object']}: ${d['kind']}${d['where'] ? ` at ${d['where']}` : ''}${d['expected'] !== undefined ? ` (source ${JSON.stringify(d['expected'])}, target ${JSON.stringify(d['actual'])})` : ''}`,
            );
          }
        }
        out(equal ? `equal: ${src.name} and ${dst.name}` : `different: ${src.name} and ${dst.name}`);
      }
      return equal ? 0 : 1;
    } finally {
      await dst.close();
    }
  } finally {
    await src.close();
  }
}

async function cmdImages(args: string[]): Promise<number> {
  const { values } = parse(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { flavor: { type: 'string', multiple: true }, s3: { type: 'boolean' }, help: { type: 'boolean' } },
    }),
  );
  if (values.help) {
    out(HELP['images']!);
    return 0;
  }
  await engineVersion();
  const ids = values.flavor?.length ? (values.flavor as string[]) : [DEFAULT_FLAVOR];
  for (const id of ids) out(await resolveImage(flavorById(id), (m) => err(m)));
  if (values.s3) out(await ensureImage(S3_SERVER_IMAGE, (m) => err(m)));
  return 0;
}

async function cmdDoctor(args: string[]): Promise<number> {
  const { values } = parse(() =>
    parseArgs({ args, allowPositionals: true, strict: true, options: { help: { type: 'boolean' }, ...DATASET_OPTIONS } }),
  );
  if (values.help) {
    out(HELP['doctor']!);
    return 0;
  }
  let ok = true;
  let engine = false;
  try {
    out(`ok    Docker engine ${await engineVersion()}`);
    engine = true;
  } catch (e) {
    ok = false;
    out(`MISS  ${(e as Error).message}`);
  }
  loadConfig();
  for (const f of Object.values(FLAVORS)) {
    if (!engine) {
      out(`?     image for ${f.id}: no engine to ask`);
      continue;
    }
    const configured = loadConfig().images[f.id];
    const ref = configured ?? (await planImage(f).catch(() => undefined))?.ref;
    if (!ref) {
      out(`-     ${f.id}: no image recipe in docker/ yet`);
      continue;
    }
    if (await imageExists(ref)) out(`ok    image ${ref}`);
    else out(`miss  image ${ref} for ${f.id}: firedrill images --flavor ${f.id} (built on first use)`);
  }
  // Every input a drill reads besides engine and image: config, drill folders, suites, datasets, server configs.
  const inputs = await doctorInputs(values);
  for (const l of inputs.lines) out(l);
  return ok && inputs.ok ? 0 : 2;
}

/**
 * A run whose process was killed (SIGKILL, out of memory, a machine that stopped) wrote no report: clean writes one
 * (verdict interrupted, what was removed) when the run's drill.log names its drill, so CI and the history see it.
 */
async function reportKilledRun(runId: string, removed: readonly string[]): Promise<string | undefined> {
  const dir = join(reportsDir, runId);
  const why = `firedrill clean removed ${removed.length} object(s): ${removed.join(', ')}`;
  if (existsSync(join(dir, 'result.json'))) {
    // The drill's own report, written before its teardown: killed during the teardown, the run is interrupted (its
    // checks stay as they were; a report written after the teardown is final and left alone).
    let r: DrillResult;
    try {
      r = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as DrillResult;
    } catch {
      return undefined;
    }
    if (r.tornDown) return undefined;
    r.verdict = 'interrupted';
    r.error = `the process running this drill was killed before its teardown ended; ${why}${r.error ? `; before that: ${r.error}` : ''}`;
    r.cause = { kind: 'interrupted', message: 'the process running this drill was killed before its teardown ended' };
    await writeReport(r);
    return join(dir, 'result.json');
  }
  let text: string;
  try {
    text = await readFile(join(dir, 'drill.log'), 'utf8');
  } catch {
    return undefined;
  }
  const m = new RegExp(`^(\\S+) run ${runId}: (\\S+) on (\\S+)`, 'm').exec(text);
  if (!m || !(m[3]! in FLAVORS)) return undefined;
  const result = errorResult(
    { id: m[2]!, description: 'ended without a report: its process was killed', rpoNode: '' },
    m[3] as FlavorId,
    runId,
    `the process running this drill ended without a report (SIGKILL, out of memory, or the machine stopped); ${why}`,
    'interrupted',
  );
  if (!Number.isNaN(Date.parse(m[1]!))) result.startedAt = new Date(m[1]!).toISOString();
  await writeReport(result);
  return join(dir, 'result.json');
}

async function cmdClean(args: string[]): Promise<number> {
  const { values } = parse(() =>
    parseArgs({ args, allowPositionals: true, strict: true, options: { all: { type: 'boolean' }, help: { type: 'boolean' } } }),
  );
  if (values.help) {
    out(HELP['clean']!);
    return 0;
  }
  await engineVersion();
  const removed = await cleanDeadRuns({ all: !!values.all });
  for (const r of removed) {
    out(`removed run ${r.runId} (${r.why}): ${r.removed.join(', ')}`);
    const written = await reportKilledRun(r.runId, r.removed);
    if (written) out(`  its report: ${written}`);
  }
  for (const r of removed.leftAlone ?? []) out(`left alone run ${r.runId} (${r.why})`);
  out(removed.length ? `cleaned ${removed.length} run(s)` : 'nothing to clean');
  return 0;
}

const COMMANDS: Record<string, (a: string[]) => Promise<number>> = {
  'restore-test': cmdRestoreTest,
  chain: cmdChain,
  snapshot: cmdSnapshot,
  'pre-upgrade': (a) => cmdPreUpgrade(a, { drill, parse, parseParams: parseParamArgs }),
  list: cmdList,
  run: cmdRun,
  suite: cmdSuite,
  verify: cmdVerify,
  images: cmdImages,
  doctor: cmdDoctor,
  clean: cmdClean,
  chaos: (a) =>
    cmdChaos(a, {
      runDrill: (def, f, label, stop) => drill(def, f, {}, { keepArtifacts: false, faultDuringBackup: false }, {}, label, stop),
    }),
  report: cmdReport,
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
    const { commit, dirty } = await firedrillCommit();
    out(`firedrill ${firedrillVersion()}${commit ? ` (${commit.slice(0, 12)}${dirty ? ', modified' : ''})` : ''}`);
    return 0;
  }
  // help <command>: the command's own --help
  if (cmd === 'help' && rest.length) {
    if (!COMMANDS[rest[0]!]) {
      err(`firedrill: no command '${rest[0]}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
      return 2;
    }
    return main([rest[0]!, '--help']);
  }
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    out(HELP['main']!);
    return cmd ? 0 : 2;
  }
  const fn = COMMANDS[cmd];
  if (!fn) {
    err(`firedrill: unknown command '${cmd}' (see firedrill --help)`);
    return 2;
  }
  try {
    return await fn(rest);
  } catch (e) {
    if (e instanceof Interrupted) return e.code;
    if (e instanceof UsageError || e instanceof HarnessError) {
      err(`firedrill: ${e.message}`);
      return 2;
    }
    if (e instanceof ExecError && /Cannot connect to the Docker daemon|docker: not found|ENOENT/.test(e.message)) {
      err('firedrill: no Docker engine answers; run npm run setup');
      return 2;
    }
    err(`firedrill: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 2;
  }
}
