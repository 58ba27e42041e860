/** `firedrill pre-upgrade`: the pre-upgrade drill with its target version, the team's queries and option file. */
import { resolve as resolvePath } from 'node:path';
import { upgradePath, UsageError } from '../core/index.js';
import { consoleSummary } from '../report/index.js';
import { DEFAULT_UPGRADE_TARGET, planInputs, validateUpgradeParams } from '../scenario/index.js';
import { goNoGoMarkdown, type GoNoGo, type WayBack } from '../verify/upgrade/index.js';
import { DATASET_OPTIONS, datasetFrom } from './dataset-options.js';
import { drill } from './drill.js';
import { configAfter, runSteps, stepsExitCode } from './upgrade-steps.js';
import { flavorOption, JSON_OPTION, out, parseOptions, parseParamArgs, printHelp } from './options.js';

export const HELP_PRE_UPGRADE = `usage: firedrill pre-upgrade --from F --to G [--queries FILE [--concurrent]] [--session 'SET …']... [--server-config my.cnf] [--dataset D] [--param k=v]... [--keep-artifacts] [--json]

Runs the pre-upgrade drill from version F (default mariadb-10.11) to G (default mariadb-11.8), one step per version
between them (mariadb-10.5 -> mariadb-11.8: 10.5 -> 10.11, then 10.11 -> 11.8 on the data as the first step's
upgraded node holds it at its end; each step has its own run, report and go/no-go page):
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
  --concurrent          --queries is a general log: also replay its sessions with their interleaving (one
                        connection per thread id, statements in log order, a statement waiting for a lock seen in the
                        processlist) on two scratch copies of the latest backup, old and upgraded; errors, results,
                        deadlocks and lock-wait timeouts that differ are findings naming the sessions (transactions
                        commit there: the scratch copies are removed afterwards)
  --server-config FILE  the my.cnf the servers run with: every F node runs with it (F refusing an option: exit 2);
                        each option is judged by G's own binary (refused: blocking; ignored: warning naming the
                        option, the file and the line), and G's nodes run with it minus what G refuses
  --session 'SET …'     a statement the application runs when it connects (repeatable; SET statements only), after
                        SET NAMES utf8mb4 without a collation
  --param to=G, --param queries=FILE, --param session='SET …; SET …'   the same as --to, --queries, --session
  --param runs=5 --param slowFactor=2 --param slowMs=25   timed runs per side, and when a read counts as slower
  --dataset D           the data the drill runs on: sakila (default), a dump file or folder, mysql://… (a live copy),
                        a schema file with --rows N (see firedrill run --help)
Exit: 0 go, 1 no-go (a blocking finding or a failed check in any step), 2 could not run (a step that could not
run; the steps after it are not run).`;

/** `run`: how the drill runs (the CLI's drill runner; a test gives its own). */
export async function cmdPreUpgrade(args: string[], run: typeof drill = drill): Promise<number> {
  const { values } = parseOptions(
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      queries: { type: 'string' },
      concurrent: { type: 'boolean' },
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
  const steps = upgradePath(from, to);
  // --to and --queries are the drill's parameters (the drill checks them, and that rules exist for the step, before
  // anything starts); the dataset and the option file are read now (a missing file, a clash: exit 2).
  const params = {
    ...given,
    ...(values.queries ? { queries: /^(sample|workload)$/.test(values.queries) ? values.queries : resolvePath(values.queries) } : {}),
    ...(values.session ? { session: values.session.join(';\n') } : {}),
    ...(values.concurrent ? { concurrent: 'on' } : {}),
  };
  // every step's rules and parameters, with the messages of this command, before anything starts
  for (const st of steps) validateUpgradeParams({ queries: 'sample', ...params, to: st.to }, st.from);
  const inputs = await planInputs({ dataset: datasetFrom(values), serverConfig: values['server-config'] });
  const flags = { keepArtifacts: !!values['keep-artifacts'], faultDuringBackup: false };
  let serverConfig = inputs.serverConfig;
  const leftOut: string[] = []; // per step: what of the option file the steps before it commented out
  const done = await runSteps(steps, async (st, carryTo, dataset, before) => {
    // the next step's old version runs the file as the step before left it: without what that step's target refused
    // or ignored (a DBA acted on those findings), so the step judges that file and reports each finding once
    serverConfig = before ? configAfter(before, serverConfig) : serverConfig;
    leftOut.push(
      serverConfig?.leftOut?.length
        ? `${serverConfig.path} judged as the steps before left it: ${serverConfig.leftOut.map((l) => `${l.option} (line ${l.line}) commented out: ${l.why}`).join('; ')}\n`
        : '',
    );
    const stepInputs = dataset ? { ...(await planInputs({ dataset: { kind: 'dump', path: dataset } })), serverConfig } : inputs;
    return run('pre-upgrade', st.from, { ...params, to: st.to, ...(carryTo ? { carryTo } : {}) }, flags, stepInputs);
  });
  if (values.json) out(JSON.stringify(steps.length === 1 ? done[0]!.result : { path: steps, steps: done }, null, 2));
  else
    for (const [i, d] of done.entries()) {
      out(consoleSummary(d.result));
      const g = d.result.observations['go/no-go'] as GoNoGo | undefined;
      const title = `${steps.length > 1 ? `Step ${i + 1} of ${steps.length}: ` : ''}Pre-upgrade ${d.from} -> ${d.to}`;
      const wayBack = d.result.observations['way back'] as WayBack | undefined;
      if (g) out(goNoGoMarkdown(g, title, wayBack) + (leftOut[i] ? `\n${leftOut[i]}` : ''));
    }
  for (const [i, st] of steps.entries())
    if (i >= done.length)
      out(
        `Step ${i + 1} of ${steps.length}: Pre-upgrade ${st.from} -> ${st.to}: not run (the step before it did not end with its data carried over)`,
      );
  return stepsExitCode(done, steps.length); // 0 go, 1 no-go (or a failed check), 2 could not run
}
