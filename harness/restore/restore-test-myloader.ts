/**
 * A mydumper folder restored as its team restores it: myloader (Debian's package `mydumper`, run from this machine, in
 * no image) against the fresh server's published port, as the test's own admin. The password goes through the
 * environment (MYSQL_PWD, which the client library myloader is built on reads when no --password is given): never on
 * an argv, never in a file. `--overwrite-tables`: a whole-server folder holds the mysql schema, whose tables a fresh
 * server already has; binary logging stays off (myloader's default). A folder that holds the grant tables has them
 * read by the server afterwards, as after a whole-server dump.
 */
import { basename } from 'node:path';
import { EnvironmentError, ExecError, run, withHeartbeat } from '../exec/index.js';
import type { StartedNode } from '../runtime/node.js';
import { BadBackupError, isToolRefusal } from './outcome.js';
import type { RestoreBench } from './restore-test-bench.js';
import { failsByTheLimit } from './mydumper-limits.js';
import { adoptGrantTables } from './restore-test-load.js';

const LOAD_TIMEOUT_MS = 4 * 60 * 60_000;
const PACKAGE = 'mydumper';

/** Where myloader is missing, one line naming the package (exit 2: the environment, not the backup). */
export async function requireMyloader(): Promise<string> {
  try {
    return (await run(['myloader', '--version'], { timeoutMs: 10_000 })).stdout.trim();
  } catch (e) {
    if (e instanceof ExecError && e.exitCode === null && !e.timedOut)
      throw new EnvironmentError(
        `myloader is not installed on this machine: restore-test runs it to restore a mydumper folder (Debian: apt-get install ${PACKAGE}; packaged in bookworm and sid)`,
      );
    throw e;
  }
}

/** The line of myloader's output that says why it failed ("CRITICAL …: Error restoring …"), else the whole message. */
export function firstMyloaderError(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => /CRITICAL|ERROR|Error/.test(l))
      ?.trim() ?? text.trim().split('\n').slice(-1)[0]!
  );
}

/** Loads the folder into the fresh server with myloader; a refusal by myloader is a bad backup. */
export async function loadMydumper(b: RestoreBench, node: StartedNode, failingDatabases: readonly string[]): Promise<void> {
  const artifact = b.outcome.artifact;
  const { host, port } = node.sqlEndpoint;
  let tables = 0;
  let files = 0;
  let partial = '';
  const errors: string[] = [];
  // The shared session, opened now as the test's admin, outlives the grant tables' reload below: the folder's grant
  // tables do not hold that admin, and only a connection opened before the reload can create it again.
  await node.query(b.ctx.adapter.dialect.version());
  await b.timed('load', async () => {
    try {
      const r = await withHeartbeat(
        (m) => b.o.progress(`${m}, ${tables} table(s) created, ${files} data file(s) loaded`),
        `myloader ${basename(artifact.path)}`,
        run(
          [
            'myloader',
            `--directory=${artifact.path}`,
            `--host=${host}`,
            `--port=${port}`,
            `--user=${b.ctx.creds.admin}`,
            '--overwrite-tables',
            '--threads=2',
            '--verbose=3',
          ],
          {
            // LC_ALL: myloader (glib) writes names in its messages in the locale's charset; without one, as '?'
            env: { MYSQL_PWD: b.ctx.creds.adminPassword, LC_ALL: 'C.UTF-8' },
            timeoutMs: LOAD_TIMEOUT_MS,
            onStderr: (chunk) => {
              tables += chunk.match(/Creating table/g)?.length ?? 0;
              files += chunk.match(/ restoring /gi)?.length ?? 0;
              // its own error lines, whole (a chunk may end inside one)
              const lines = (partial + chunk).split('\n');
              partial = lines.pop() ?? '';
              for (const l of lines) if (/CRITICAL/.test(l) && errors.length < 10) errors.push(l.trim());
            },
          },
        ),
      );
      // myloader 0.10 may log an error and still exit 0: any CRITICAL line is a failed load
      if (/CRITICAL/.test(r.stderr)) throw new BadBackupError(`myloader: ${firstMyloaderError(r.stderr)}`);
    } catch (e) {
      if (e instanceof BadBackupError || !isToolRefusal(e)) throw e;
      if (/CRITICAL/.test(partial)) errors.push(partial.trim());
      // failed only where a limit named before the restore said it would (ANSI_QUOTES routines): judged by the checks
      const files = errors.map((l) => / from file (.+?): /.exec(l)?.[1]);
      if (errors.length && files.every((f) => f !== undefined && failsByTheLimit(f, failingDatabases))) {
        b.outcome.observations['myloaderFailedAsNamed'] = errors;
        b.o.progress(`myloader failed where the limit named before said it would: ${errors.join(' | ').slice(0, 600)}`);
        return;
      }
      // its own error lines, from all it said (the error's own tail is its last 2000 characters only)
      const why = errors.length ? errors.join('\n') : firstMyloaderError((e as ExecError).stderrTail || (e as Error).message);
      throw new BadBackupError(`myloader does not load the folder: ${why}`);
    }
  });
  b.outcome.observations['myloader'] = { tablesCreated: tables, dataFilesLoaded: files };
  if ((artifact.dumpDatabases ?? []).includes('mysql')) await adoptGrantTables(b, node, true);
}
