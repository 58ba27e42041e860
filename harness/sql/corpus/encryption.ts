import type { Caps } from './caps.js';
import type { Corpus, TableCase } from './model.js';

/**
 * Encrypted tables in the corpus (issue 19, "encryption where keys exist"): InnoDB `ENCRYPTED=YES
 * ENCRYPTION_KEY_ID=n`, drawn only when the run has keys (MariaDB KB "InnoDB Encryption Overview", "File Key
 * Management Encryption Plugin"). Without key management the server refuses such a table (ERROR 1005, errno 140
 * "Wrong create options"), and so does one whose key id the key file lacks: measured on MariaDB 10.11.18.
 */

/** The key management plugin (library and plugin name alike). */
export const KEY_PLUGIN = 'file_key_management';

/** A table that can be encrypted: InnoDB (every row format, PAGE_COMPRESSED, partitions, system versioning took it). */
export const canEncrypt = (t: TableCase, caps: Caps) => caps.encryption && t.engine === 'InnoDB' && t.kind !== 'sequence';

/** The key ids the corpus's tables are encrypted with, in order (the key file must hold each). */
export function keysNeeded(c: Corpus): number[] {
  return [...new Set(c.tables.flatMap((t) => (t.encryptionKeyId ? [t.encryptionKeyId] : [])))].sort((a, b) => a - b);
}

/** The server's encrypted InnoDB tablespaces (a partition is one each) and the key id each is encrypted with now. */
export const encryptedTablespaces = (): { sql: string } => ({
  sql: 'SELECT NAME AS name, CURRENT_KEY_ID AS keyId FROM information_schema.INNODB_TABLESPACES_ENCRYPTION WHERE ENCRYPTION_SCHEME > 0 ORDER BY NAME',
});
