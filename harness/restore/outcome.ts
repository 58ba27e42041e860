/**
 * What a failure during a restore test says: about the backup (its own tool, server or client refused it: a bad
 * backup, exit 1), or about the environment or firedrill (a docker call, a deadline, an engine gone: exit 2, never
 * "bad backup"). And what a declared limit of the backup makes meaningless, said before anything is restored.
 */
import { ExecError, isInfrastructureError } from '../exec/index.js';
import type { RecordedState } from '../verify/index.js';
import type { DetectedArtifact } from './external.js';

/**
 * True when a command failed because the program it ran refused its input (it ran and exited non-zero): the
 * backup's fault. A command that timed out, was killed or cancelled, could not start, or failed for the
 * infrastructure (engine gone, disk full) is not.
 */
export function isToolRefusal(e: unknown): boolean {
  if (!(e instanceof ExecError) || isInfrastructureError(e)) return false;
  return e.exitCode !== null && e.exitCode !== 0 && !e.timedOut && !e.canceled && e.signal === null;
}

/** A failure caused by the backup itself (it does not prepare, load or start): the test found a bad backup. */
export class BadBackupError extends Error {}

/** Server log lines that mean "this datadir needs other settings or another version", not "this backup is bad". */
export const NEEDS_OTHER_SETTINGS =
  /Cannot boot server version|Downgrade is not supported|Different lower_case_table_names|uses page size \d+, but the innodb_page_size|innodb_page_size=\d+ .*differs|Upgrade after a crash is not supported|unsupported redo log format|The redo log was created with|is encrypted|Cannot decrypt|key_id \d+ .*not found|Unknown\/unsupported storage engine|Plugin '\w+' init function returned error|registration as a ENCRYPTION failed/i;

/** A line of NEEDS_OTHER_SETTINGS that is about encryption keys: encrypted data, and no key management to read it. */
const KEY_MANAGEMENT =
  /file_key_management|_key_management|registration as a ENCRYPTION failed|is encrypted|Cannot decrypt|key_id \d+ .*not found/i;

/**
 * What a step that needs the source's settings says (exit 2: the restore server's configuration, not the backup). A
 * backup with encrypted tables names the key management it needs: mariabackup's prepare and the server read the
 * key file named in the source's my.cnf (the one in backup-my.cnf too), and refuse without it.
 */
export function needsSettings(what: string, line: string): string {
  const l = line.trim().slice(0, 300);
  return KEY_MANAGEMENT.test(l)
    ? keysMissing(what, l)
    : `${what} needs the source's settings: ${l} (give them with --server-config my.cnf)`;
}

/** The line that says a step needs the source's encryption keys (see needsSettings). */
export const keysMissing = (what: string, line: string) =>
  `${what} needs the source's key management (the backup holds encrypted tables, and the restore server has no key for them): ${line} (give the source's my.cnf with --server-config: plugin_load_add = file_key_management and file_key_management_filename = its key file, kept beside the my.cnf)`;

/**
 * A dump's CREATE TABLE refused for its table options (MariaDB 10.11.18 answers `… ENCRYPTED=YES` without key
 * management, or with a key id the key file lacks, this way): whether it was the encryption is read in the dump.
 */
export const wrongCreateOptions = (clientError: string) => /^ERROR 1005 \(HY000\).*errno: 140\b/.test(clientError);

/** A dump's text holds an encrypted table (mariadb-dump writes the option as `` `ENCRYPTED`=YES ``). */
export const ENCRYPTED_TABLE_OPTION = '`?ENCRYPTED`?=.?YES';

/** The client's own error line ("ERROR 1062 (23000) at line 49: Duplicate entry …"), else the whole message. */
export function firstClientError(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return /^ERROR \d+.*$/m.exec(m)?.[0] ?? m;
}

/**
 * The authentication plugin a dump's account names and the restore server does not load (MariaDB and MySQL: ERROR
 * 1524 on CREATE USER … IDENTIFIED VIA/WITH it): the restore server's configuration, not the backup (docs/corpus.md,
 * "Authentication plugins"). A physical copy carries such an account without the plugin (it cannot log in there).
 */
export function pluginNotLoaded(message: string): string | undefined {
  return /ERROR 1524 \(HY000\)[^\n]*?Plugin '([^']+)' is not loaded/.exec(message)?.[1];
}

/** How a backup comes back: a datadir (physical kinds) or SQL text loaded into a fresh server (dumps). */
export type RestoreKind = 'datadir' | 'load';

/**
 * The checks a declared limit of this backup or state makes meaningless, each with its reason: known from the backup's
 * files and the state alone, so they are said before anything is restored. They are "not applicable", never skipped.
 */
export function notApplicableChecks(
  artifact: Pick<DetectedArtifact, 'kind' | 'dumpDatabases'>,
  restore: RestoreKind,
  expect: Pick<RecordedState, 'gtid'> | undefined,
): Array<{ check: string; reason: string }> {
  if (!expect) return [];
  const out: Array<{ check: string; reason: string }> = [];
  const logical = artifact.kind === 'dump' || artifact.kind === 'mydumper';
  const accountsInBackup = restore === 'datadir' || (logical && (artifact.dumpDatabases ?? []).includes('mysql'));
  if (!accountsInBackup)
    out.push({ check: 'state-accounts', reason: 'the dump does not hold the mysql database: accounts and grants are not in this backup' });
  if (expect.gtid.replicaPos === '' && expect.gtid.executed === '')
    out.push({ check: 'state-gtid', reason: 'the state records no GTID position (GTIDs off on the source)' });
  return out;
}
