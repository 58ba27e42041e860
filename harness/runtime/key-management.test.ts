import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedKeyFile, RUN_KEY_FILE } from '../core/index.js';
import { keyFilesNamed, runKeyFiles } from './key-management.js';
import { parseServerConfig } from './server-config.js';

describe("the key files a team's --server-config names go into every node, from the host file, at the same path", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-keys-'));
    // throwaway keys of this test only, removed after it
    await writeFile(join(dir, 'keys.txt'), generatedKeyFile([1, 5]), { mode: 0o600 });
    await writeFile(join(dir, 'bad.txt'), 'not a key\n', { mode: 0o600 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const cfg = (lines: string) => parseServerConfig(`[mysqld]\nplugin_load_add = file_key_management\n${lines}\n`, '/etc/team/my.cnf');

  it('the key file and a FILE: filekey, each at its own path (folders made); none without the option', async () => {
    const files = await keyFilesNamed(
      cfg(`file_key_management_filename = ${join(dir, 'keys.txt')}\nfile-key-management-filekey = FILE:${join(dir, 'bad.txt')}`),
    );
    expect(files.map((f) => [f.dir, f.files[0]!.name])).toEqual([
      ['/', join(dir, 'keys.txt').slice(1)],
      ['/', join(dir, 'bad.txt').slice(1)],
    ]);
    expect(String(files[0]!.files[0]!.content)).toMatch(/^1;[0-9a-f]{64}\n5;[0-9a-f]{64}\n$/);
    expect(await keyFilesNamed(cfg('innodb_encrypt_tables = ON'))).toEqual([]);
    // a filekey given as text (a secret in the file itself) names no file
    expect(await keyFilesNamed(cfg('file_key_management_filekey = secret'))).toEqual([]);
  });

  it('a relative path, a file that is not there, a file that is not a key file: one line naming the option (exit 2)', async () => {
    await expect(keyFilesNamed(cfg('file_key_management_filename = keys.txt'))).rejects.toThrow(
      /^--server-config \/etc\/team\/my.cnf line 3: file_key_management_filename = keys.txt is not an absolute path/,
    );
    await expect(keyFilesNamed(cfg(`file_key_management_filename = ${join(dir, 'gone.txt')}`))).rejects.toThrow(
      /line 3: file_key_management_filename: cannot read .*gone\.txt \(ENOENT\)$/,
    );
    await expect(keyFilesNamed(cfg(`file_key_management_filename = ${join(dir, 'bad.txt')}`))).rejects.toThrow(
      /bad\.txt is not a key file: line 1 is not "<key id>;<key as 32, 48 or 64 hex digits>"$/,
    );
  });

  it("a run's own key file: fresh keys in a folder of its own, where the corpus's my.cnf looks", () => {
    const a = runKeyFiles();
    expect(a.newFolderMode).toBe(0o755);
    expect(`${a.dir}/${a.files[0]!.name}`).toBe(RUN_KEY_FILE);
    expect(String(a.files[0]!.content)).not.toBe(String(runKeyFiles().files[0]!.content));
  });
});
