/** `firedrill run`: one drill, firedrill's or a drill file of the user's, on one flavor or on every flavor it supports. */
import { DEFAULT_FLAVOR, FLAVORS, flavor as flavorById, UsageError } from '../core/index.js';
import { consoleSummary } from '../report/index.js';
import { exitCodeOf, findScenario, planInputs, resolveParams } from '../scenario/index.js';
import { DATASET_HELP, DATASET_OPTIONS, datasetFrom } from './dataset-options.js';
import { drill, runMany, type DrillFlags } from './drill.js';
import { JSON_OPTION, out, parseOptions, parseParamArgs, parseTimeout, printHelp } from './options.js';

export const HELP_RUN = `usage: firedrill run <id|path/to/drill.ts> [--flavor F | --all-flavors] [--param name=value]... [dataset options] [--keep-artifacts] [--fault-during-backup] [--timeout T] [--json]

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
  --timeout T         deadline of each of the drill's own queries (default 30m): a server that does not answer for
                      this long ends the drill with exit 2, naming the statement and the node
  --json              print the result object on stdout and nothing else there
  --verbose           also log every command firedrill runs (argv; passwords are never on argv, and anything
                      that looks like one is replaced by ***)
Progress goes to stderr and to reports/<run-id>/drill.log (timestamps with their zone).
Exit: 0 pass, 1 fail, 2 could not run. Everything started is removed at the end, also on Ctrl-C.`;

export async function cmdRun(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    flavor: { type: 'string' },
    'all-flavors': { type: 'boolean' },
    param: { type: 'string', multiple: true },
    'keep-artifacts': { type: 'boolean' },
    'fault-during-backup': { type: 'boolean' },
    'instant-verify': { type: 'boolean' },
    verbose: { type: 'boolean' },
    timeout: { type: 'string' },
    ...JSON_OPTION,
    ...DATASET_OPTIONS,
  });
  if (values.help) return printHelp(HELP_RUN);
  const flags: DrillFlags = {
    keepArtifacts: !!values['keep-artifacts'],
    faultDuringBackup: !!values['fault-during-backup'],
    instantVerify: !!values['instant-verify'],
    verbose: !!values.verbose,
    ...(values.timeout === undefined ? {} : { timeoutMs: parseTimeout(values.timeout) }),
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
