/** `firedrill pre-upgrade`: the pre-upgrade drill with its target version, the team's queries and option file. */
import { resolve as resolvePath } from 'node:path';
import { UsageError } from '../core/index.js';
import { consoleSummary } from '../report/index.js';
import { DEFAULT_UPGRADE_TARGET, exitCodeOf, planInputs, validateUpgradeParams } from '../scenario/index.js';
import { goNoGoMarkdown, type GoNoGo } from '../verify/upgrade/index.js';
import { DATASET_OPTIONS, datasetFrom } from './dataset-options.js';
import { drill } from './drill.js';
import { flavorOption, JSON_OPTION, out, parseOptions, parseParamArgs, printHelp } from './options.js';

export const HELP_PRE_UPGRADE = `usage: firedrill pre-upgrade --from F --to G [--queries FILE] [--session 'SET …']... [--server-config my.cnf] [--dataset D] [--param k=v]... [--keep-artifacts] [--json]

Runs the pre-upgrade drill from version F (default mariadb-10.11) to G (default mariadb-11.8):
  1. incompatibility report before anything moves: schema, routines, views, triggers, events, accounts, variables
     and the option file against fixtures/upgrade-rules/<F>-to-<G>.json (each rule cites its release notes) and
     against the target server's own answers (options it refuses or ignores, sql_mode values, plugins);
  2. the physical and logical backups restored onto G (mariadb-upgrade), replicating from F;
  3. query replay on F and G holding the same data: results, errors, warnings, median time, EXPLAIN;
  4. rolling upgrade under load: a replica upgraded in place, switchover to it, F replicas kept as the rollback
     target, rollback exercised; write-unavailability windows measured from the ledger; 0 acknowledged writes lost;
  5. go/no-go: every finding with its severity in result.json and summary.md.
  --queries FILE        the team's queries: a slow query log, a general query log, or a file of SQL statements;
                        'workload' (the drill's own statements) or 'sample' (default: a count per table of the
                        dataset; sample queries on Sakila). Reads run 3 times per side; writes run in a transaction
                        that is rolled back; DDL is not replayed. The application pauses while they run.
  --server-config FILE  the my.cnf the servers run with: every F node runs with it (F refusing an option: exit 2);
                        each option is judged by G's own binary (refused: blocking; ignored: warning naming the
                        option, the file and the line), and G's nodes run with it minus what G refuses
  --session 'SET …'     a statement the application runs when it connects (repeatable; SET statements only), after
                        SET NAMES utf8mb4 without a collation
  --param to=G, --param queries=FILE, --param session='SET …; SET …'   the same as --to, --queries, --session
  --param runs=5 --param slowFactor=2 --param slowMs=25   timed runs per side, and when a read counts as slower
  --dataset D           the data the drill runs on: sakila (default), a dump file or folder, mysql://… (a live copy),
                        a schema file with --rows N (see firedrill run --help)
Exit: 0 go, 1 no-go (a blocking finding or a failed check), 2 could not run.`;

/** `run`: how the drill runs (the CLI's drill runner; a test gives its own). */
export async function cmdPreUpgrade(args: string[], run: typeof drill = drill): Promise<number> {
  const { values } = parseOptions(
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      queries: { type: 'string' },
      session: { type: 'string', multiple: true },
      param: { type: 'string', multiple: true },
      'keep-artifacts': { type: 'boolean' },
      ...JSON_OPTION,
      ...DATASET_OPTIONS,
    },
    false,
  );
  if (values.help) return printHelp(HELP_PRE_UPGRADE);
  const given = parseParamArgs(values.param);
  const from = flavorOption(values.from, 'mariadb-10.11').id;
  const to = flavorOption(values.to, String(given['to'] ?? DEFAULT_UPGRADE_TARGET)).id;
  if (from === to) throw new UsageError(`--from and --to are the same version (${from})`);
  // --to and --queries are the drill's parameters (the drill checks them, and that rules exist for the step, before
  // anything starts); the dataset and the option file are read now (a missing file, a clash: exit 2).
  const params = {
    ...given,
    to,
    ...(values.queries ? { queries: /^(sample|workload)$/.test(values.queries) ? values.queries : resolvePath(values.queries) } : {}),
    ...(values.session ? { session: values.session.join(';\n') } : {}),
  };
  validateUpgradeParams({ queries: 'sample', ...params }, from); // with the messages of this command, before the drill is planned
  const inputs = await planInputs({
    dataset: datasetFrom(values),
    serverConfig: values['server-config'],
  });
  const r = await run('pre-upgrade', from, params, { keepArtifacts: !!values['keep-artifacts'], faultDuringBackup: false }, inputs);
  if (values.json) out(JSON.stringify(r, null, 2));
  else {
    out(consoleSummary(r));
    const g = r.observations['go/no-go'] as GoNoGo | undefined;
    if (g) out(goNoGoMarkdown(g, `Pre-upgrade ${from} -> ${to}`));
  }
  return exitCodeOf(r); // 0 go, 1 no-go (or a failed check), 2 could not run
}
