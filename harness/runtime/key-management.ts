import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { generatedKeyFile, keyIdsOf, RUN_KEY_DIR, RUN_KEY_FILE, UsageError } from '../core/index.js';
import type { ContainerFiles } from './docker.js';
import type { ServerConfig } from './server-config.js';

/**
 * Encryption keys in a run's containers (MariaDB `file_key_management`), always from memory, before the container
 * starts: the run's generated key file (the corpus's encrypted tables), or the key file a team's own my.cnf names.
 */

/**
 * A run's keys: a fresh key file (random keys, core/key-file.ts) in a folder of its own. The server reads it as its
 * own user (mysql), so it is readable inside the container (0644); it never exists on the host, and it goes when the
 * run's containers go.
 */
export function runKeyFiles(keyFile: string = generatedKeyFile()): ContainerFiles {
  return {
    dir: RUN_KEY_DIR,
    newFolderMode: 0o755,
    files: [{ name: RUN_KEY_FILE.slice(RUN_KEY_DIR.length + 1), content: keyFile, mode: 0o644 }],
  };
}

/**
 * The files a team's `--server-config` names for `file_key_management`: `file_key_management_filename` (the key
 * file) and a `file_key_management_filekey = FILE:<path>` (the key that decrypts an encrypted key file), each read
 * from the host and put into every node at the same absolute path (its folders made). A relative path, a file that
 * cannot be read, or a plain key file that is not one is bad input (exit 2), said before any node starts.
 */
export async function keyFilesNamed(cfg: ServerConfig): Promise<ContainerFiles[]> {
  const paths = cfg.options.flatMap((o) => {
    if (o.name === 'file-key-management-filename')
      return [{ option: 'file_key_management_filename', line: o.line, path: o.value, keys: true }];
    if (o.name === 'file-key-management-filekey' && o.value.startsWith('FILE:'))
      return [{ option: 'file_key_management_filekey', line: o.line, path: o.value.slice(5), keys: false }];
    return [];
  });
  const out: ContainerFiles[] = [];
  for (const p of paths) {
    const where = `--server-config ${cfg.path} line ${p.line}: ${p.option}`;
    if (!isAbsolute(p.path))
      throw new UsageError(`${where} = ${p.path} is not an absolute path (firedrill puts that file into every node at the same path)`);
    const content = await readFile(p.path).catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`${where}: cannot read ${p.path} (${e.code ?? e.message})`);
    });
    const ids = p.keys ? keyIdsOf(content) : undefined;
    if (ids && 'error' in ids) throw new UsageError(`${where}: ${p.path} is not a key file: ${ids.error}`);
    out.push({ dir: '/', files: [{ name: p.path.slice(1), content, mode: 0o644 }] });
  }
  return out;
}
