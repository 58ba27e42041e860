/** The firedrill command: one file per command (./<command>.ts); this one only dispatches, and turns errors into exit codes. */
import { HarnessError, ExecError } from '../exec/index.js';
import { UsageError } from '../core/index.js';
import { firedrillCommit, firedrillVersion } from '../report/index.js';
import { cmdChain, HELP_CHAIN } from './chain-verify.js';
import { cmdChaos, HELP_CHAOS } from './chaos.js';
import { cmdClean, HELP_CLEAN } from './clean.js';
import { cmdDoctor, HELP_DOCTOR } from './doctor.js';
import { drill, Interrupted } from './drill.js';
import { cmdEngine, HELP_ENGINE } from './engine.js';
import { cmdImages, HELP_IMAGES } from './images.js';
import { cmdList, HELP_LIST } from './list.js';
import { err, out, printHelp } from './options.js';
import { cmdPreUpgrade, HELP_PRE_UPGRADE } from './pre-upgrade.js';
import { cmdReport, HELP_REPORT } from './report.js';
import { cmdRestoreTest, HELP_RESTORE_TEST } from './restore-test.js';
import { cmdRun, HELP_RUN } from './run.js';
import { cmdSnapshot, HELP_SNAPSHOT } from './snapshot.js';
import { cmdSuite, HELP_SUITE } from './suite.js';
import { cmdVerify, HELP_VERIFY } from './verify.js';

const HELP_MAIN = `firedrill: restore drills and chaos tests for MySQL and MariaDB

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
  engine dind|ls|rm NAME|show       a Docker engine in a container (as a CI's dind service) to run drills against
  snapshot --source DSN --out STATE.json [--databases a,b] [--hold-replica] [-- BACKUP COMMAND]
                                    record the state a backup must restore to
  restore-test --artifact PATH --flavor F [--expect STATE.json] [--max-age 26h] [--json]
                                    restore-test a backup made by your own tools (exit 0 good, 1 bad backup, 2 not a backup)
  chain verify --location PATH|s3://… [--max-age 26h] [--json]
                                    recovery windows and breaks of a backup location, from metadata and binlog headers
  chaos --topology T [--seed S] ... generative chaos: random fault schedules, invariants, replay, shrinking

Every command takes --help (or: firedrill help <command>). firedrill --version prints the version and commit.
run and suite take --verbose: every command line firedrill runs goes to the run's drill.log (and stderr).`;

/** Every command: its help (what --help and `firedrill help <command>` print) and how it runs. */
const COMMANDS: Record<string, { help: string; run: (args: string[]) => Promise<number> }> = {
  'restore-test': { help: HELP_RESTORE_TEST, run: cmdRestoreTest },
  chain: { help: HELP_CHAIN, run: cmdChain },
  snapshot: { help: HELP_SNAPSHOT, run: cmdSnapshot },
  'pre-upgrade': { help: HELP_PRE_UPGRADE, run: (a) => cmdPreUpgrade(a) },
  list: { help: HELP_LIST, run: cmdList },
  run: { help: HELP_RUN, run: cmdRun },
  suite: { help: HELP_SUITE, run: cmdSuite },
  verify: { help: HELP_VERIFY, run: cmdVerify },
  images: { help: HELP_IMAGES, run: cmdImages },
  doctor: { help: HELP_DOCTOR, run: cmdDoctor },
  clean: { help: HELP_CLEAN, run: cmdClean },
  engine: { help: HELP_ENGINE, run: cmdEngine },
  chaos: {
    help: HELP_CHAOS,
    run: (a) =>
      cmdChaos(a, {
        runDrill: (def, f, label, stop) => drill(def, f, {}, { keepArtifacts: false, faultDuringBackup: false }, {}, label, stop),
      }),
  },
  report: { help: HELP_REPORT, run: cmdReport },
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
    const named = COMMANDS[rest[0]!];
    if (!named) {
      err(`firedrill: no command '${rest[0]}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
      return 2;
    }
    return printHelp(named.help);
  }
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    out(HELP_MAIN);
    return cmd ? 0 : 2;
  }
  const command = COMMANDS[cmd];
  if (!command) {
    err(`firedrill: unknown command '${cmd}' (see firedrill --help)`);
    return 2;
  }
  try {
    return await command.run(rest);
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
