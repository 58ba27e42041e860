/**
 * The target version's upgrade tool (`mariadb-upgrade`) run in a node's container. When it fails, its own output is
 * what a DBA needs (the table or statement it stopped on): the error keeps the last lines of what it printed on
 * stdout and stderr, and its first line names the tool's most telling line, since reports show a cause's first line.
 */
import { ExecError, type RunOptions, type RunResult } from '../exec/index.js';

/** How many of the tool's last lines an error keeps (mariadb-upgrade prints one line per phase and per table checked). */
const KEPT_LINES = 60;

/** The upgrade tool ended in failure: `output` holds its last lines (stdout, then stderr), `cause` the ExecError. */
export class UpgradeToolError extends Error {
  constructor(
    readonly tool: string,
    readonly where: string,
    readonly output: string,
    cause: ExecError,
  ) {
    super(`${tool} failed on ${where} (${howItEnded(cause)}): ${tellingLine(output)}\n${tool}'s output (last lines):\n${output}`, {
      cause,
    });
    this.name = 'UpgradeToolError';
  }
}

const howItEnded = (e: ExecError) => (e.timedOut ? 'deadline passed' : e.signal ? `killed by ${e.signal}` : `exit code ${e.exitCode}`);

/**
 * The line that says why: the first error line that is not the tool's closing "FATAL ERROR: Upgrade failed", else the
 * first error line, else the last line. mariadb-upgrade prints its phases on stdout and the lines of the SQL it ran
 * that failed on stderr ("ERROR 1064 (42000) at line 5: …"), mysqlcheck's table verdicts ("db.t  error : …") on stdout.
 */
export function tellingLine(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /\berror\b/i.test(l));
  return errors.find((l) => !/^FATAL ERROR: Upgrade failed/i.test(l)) ?? errors[0] ?? lines.at(-1) ?? '(no output)';
}

/** The last `KEPT_LINES` lines of what a failed command printed: stdout, then stderr. */
export function keptOutput(e: Pick<ExecError, 'stdout' | 'stderrTail'>): string {
  const lines = `${e.stdout.trimEnd()}\n${e.stderrTail.trimEnd()}`.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-KEPT_LINES).join('\n');
}

interface Runs {
  name: string;
  container: { exec(argv: readonly string[], opts?: RunOptions): Promise<RunResult> };
}

/**
 * The locale the tool runs under. mariadb-upgrade's mariadb-check takes its character set from the locale
 * (`default-character-set=auto`, and mariadb-upgrade ignores `--default-character-set`); a container has no locale
 * (ASCII), so a database or table named outside latin1 reaches the server as `?` and the upgrade fails with "Unknown
 * database '??????28'" on a healthy server (finding F17). C.UTF-8 is built into glibc: no locale package needed.
 */
const UPGRADE_LOCALE = ['env', 'LC_ALL=C.UTF-8'] as const;

/** Runs the upgrade tool (argv) in `node`'s container; on failure throws UpgradeToolError with the tool's output. */
export async function runUpgradeTool(node: Runs, argv: readonly string[], timeoutMs = 30 * 60_000): Promise<RunResult> {
  try {
    return await node.container.exec([...UPGRADE_LOCALE, ...argv], { timeoutMs });
  } catch (e) {
    if (e instanceof ExecError && !e.canceled && (e.exitCode !== null || e.timedOut || e.signal))
      throw new UpgradeToolError(argv[0] ?? 'upgrade', node.name, keptOutput(e), e);
    throw e;
  }
}
