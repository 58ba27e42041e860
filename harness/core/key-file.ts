import { randomBytes } from 'node:crypto';

/**
 * MariaDB's `file_key_management` key file: one `<key id>;<key as hex>` line per key (128, 192 or 256 bits), `#`
 * comments (MariaDB KB "File Key Management Encryption Plugin", "Creating the Key File"). A run's keys are drawn
 * here, held in memory and put into every container of the run from there: never a file on the host.
 */

/** Where a run's generated key file is in every container of the run (a folder of its own, made when it is put in). */
export const RUN_KEY_DIR = '/etc/mysql/firedrill-keys';
export const RUN_KEY_FILE = `${RUN_KEY_DIR}/keys.txt`;
/** The key ids a run's key file holds (the corpus draws ENCRYPTION_KEY_ID among them). */
export const RUN_KEY_IDS: readonly number[] = [1, 2];

/** A key file of fresh random 256-bit keys, one per id. */
export function generatedKeyFile(ids: readonly number[] = RUN_KEY_IDS): string {
  return ids.map((id) => `${id};${randomBytes(32).toString('hex')}\n`).join('');
}

/**
 * The key ids of a plain key file, or why it is not one (a line that is no `id;hex key` of 32, 48 or 64 hex digits,
 * an id twice). A file encrypted with `file_key_management_filekey` (OpenSSL's `Salted__` header) has no readable ids.
 */
export function keyIdsOf(text: string | Buffer): { ids: number[] } | { encrypted: true } | { error: string } {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  if (buf.subarray(0, 8).toString('latin1') === 'Salted__') return { encrypted: true };
  const ids: number[] = [];
  const lines = buf.toString('utf8').split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\d+);([0-9a-fA-F]+)$/.exec(line);
    if (!m || ![32, 48, 64].includes(m[2]!.length)) return { error: `line ${i + 1} is not "<key id>;<key as 32, 48 or 64 hex digits>"` };
    const id = Number(m[1]);
    if (id < 1 || ids.includes(id)) return { error: `line ${i + 1}: key id ${id} ${id < 1 ? 'is not 1 or more' : 'comes twice'}` };
    ids.push(id);
  }
  return ids.length ? { ids } : { error: 'it holds no key' };
}
