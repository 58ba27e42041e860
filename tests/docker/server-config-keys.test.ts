import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedKeyFile } from '../../harness/core/index.js';
import { cli, leftovers } from './helpers.js';

/**
 * A team's own encryption keys in a drill (docs/corpus.md, "Your own keys"): `--server-config` loads
 * file_key_management, names the team's key file by its absolute path and encrypts every InnoDB table
 * (`innodb_encrypt_tables = ON`: the ledger's too). firedrill reads the key file from the host and puts it into every
 * node at the same path from memory; the drill passes, and the key is in no report, log or result. A key file that
 * is not one: exit 2 naming the option, before any node starts.
 */
/** replica-pause on MariaDB 10.11 with no dataset, run with the team's option file. */
const pauseWith = (cnf: string, ...more: string[]) =>
  cli(['run', 'replica-pause', '--flavor', 'mariadb-10.11', '--dataset', 'none', '--server-config', cnf, ...more]);

describe("a drill on a team's my.cnf that encrypts with its own key file", () => {
  let dir: string;
  const runIds: string[] = [];
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    for (const id of runIds) expect(await leftovers(id)).toEqual([]);
  });

  it('replica-pause on mariadb-10.11 passes with every table encrypted, and the key is nowhere in what the run wrote', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-team-keys-'));
    // the team's file, throwaway keys of this test (removed after it)
    const keys = generatedKeyFile([1]);
    await writeFile(join(dir, 'keys.txt'), keys, { mode: 0o600 });
    const cnf = `[mysqld]\nplugin_load_add = file_key_management\nfile_key_management_filename = ${join(dir, 'keys.txt')}\ninnodb_encrypt_tables = ON\n`;
    await writeFile(join(dir, 'my.cnf'), cnf);
    const r = await pauseWith(join(dir, 'my.cnf'), '--json');
    const res = JSON.parse(r.stdout) as {
      runId: string;
      verdict: string;
      reportDir: string;
      serverConfig: { applied: Record<string, Record<string, string>> };
    };
    runIds.push(res.runId);
    expect(res.verdict, r.stderr.slice(-1500)).toBe('pass');
    expect(r.code).toBe(0);
    for (const node of ['primary', 'replica-1'])
      expect(res.serverConfig.applied[node]).toMatchObject({
        innodb_encrypt_tables: 'ON',
        file_key_management_filename: join(dir, 'keys.txt'),
      });
    const key = keys.slice(2, 66);
    expect(r.stdout + r.stderr).not.toContain(key);
    const files = await readdir(res.reportDir, { recursive: true, withFileTypes: true });
    for (const f of files.filter((x) => x.isFile()))
      expect(await readFile(join(f.parentPath, f.name), 'latin1'), f.name).not.toContain(key);
  }, 600_000);

  it('a key file that is not one: exit 2 naming the option and its line, no node started', async () => {
    await writeFile(join(dir, 'bad.txt'), '1;short\n', { mode: 0o600 });
    await writeFile(
      join(dir, 'bad.cnf'),
      `[mysqld]\nplugin_load_add = file_key_management\nfile_key_management_filename = ${join(dir, 'bad.txt')}\n`,
    );
    const r = await pauseWith(join(dir, 'bad.cnf'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--server-config .*bad\.cnf line 3: file_key_management_filename: .*bad\.txt is not a key file: line 1 is not/,
    );
    const runId = /run (\d[\w-]+)/.exec(r.stderr)?.[1];
    if (runId) runIds.push(runId);
  }, 300_000);
});
