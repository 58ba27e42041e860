/**
 * A mydumper folder: known by its `metadata` file ("Started dump at: …") and its `*-schema.sql` files (one per table,
 * `db-schema-create.sql` per database); complete by the metadata's "Finished dump at" line; positioned by the GTID the
 * metadata records (the replica's position under "SHOW SLAVE STATUS" when the source was a replica, else the
 * source's own under "SHOW MASTER STATUS"). mydumper records no server version: the family is read from the GTID's
 * shape (MariaDB domain-server-sequence, MySQL uuid:interval).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Family } from '../../core/index.js';
import { type ArtifactDetector, parseToolTime, readText } from './detected.js';

interface MydumperFacts {
  startedAt?: string;
  finishedAt?: string;
  /** The GTID of the SHOW SLAVE STATUS section, else of SHOW MASTER STATUS. */
  gtid?: string;
  family?: Family;
}

/** What a mydumper `metadata` file says; undefined when the text is not one. */
export function mydumperMetadata(text: string): MydumperFacts | undefined {
  const started = /^Started dump at:\s*(.+)$/m.exec(text)?.[1];
  if (!started) return undefined;
  const finished = /^Finished dump at:\s*(.+)$/m.exec(text)?.[1];
  // sections: "SHOW MASTER STATUS:" / "SHOW SLAVE STATUS:" followed by indented "Key: value" lines
  const section = (name: string) => new RegExp(`^${name}:\\s*\\n((?:[ \\t]+.*\\n?)*)`, 'm').exec(text)?.[1] ?? '';
  const gtidOf = (body: string) => /^\s*GTID:\s*(\S.*?)\s*$/m.exec(body)?.[1]?.replace(/\s+/g, '');
  const gtid = gtidOf(section('SHOW SLAVE STATUS')) || gtidOf(section('SHOW MASTER STATUS')) || undefined;
  const family: Family | undefined = !gtid
    ? undefined
    : /^\d+-\d+-\d+(,\d+-\d+-\d+)*$/.test(gtid)
      ? 'mariadb'
      : /^[0-9a-f-]{36}:/i.test(gtid)
        ? 'mysql'
        : undefined;
  return {
    startedAt: parseToolTime(started),
    ...(finished ? { finishedAt: parseToolTime(finished) } : {}),
    ...(gtid ? { gtid } : {}),
    ...(family ? { family } : {}),
  };
}

/** The databases a mydumper folder creates: its `db-schema-create.sql` files. */
const mydumperDatabases = (names: readonly string[]) =>
  names
    .filter((n) => n.endsWith('-schema-create.sql'))
    .map((n) => n.slice(0, -'-schema-create.sql'.length))
    .sort();

export const mydumper: ArtifactDetector = {
  on: 'directory',
  lacking: 'no mydumper `metadata` file with `*-schema.sql` files',
  async detect(path) {
    const text = await readText(path, 'metadata');
    const facts = text === undefined ? undefined : mydumperMetadata(text);
    if (!facts) return undefined;
    const names = await readdir(path);
    if (!names.some((n) => n.endsWith('-schema.sql') || n.endsWith('-schema-create.sql'))) return undefined;
    let bytes = 0;
    for (const n of names) bytes += (await stat(join(path, n)).catch(() => undefined))?.size ?? 0;
    const createdAt = facts.finishedAt ?? facts.startedAt;
    return {
      kind: 'mydumper',
      path,
      description: `a mydumper folder${facts.family ? ` of ${facts.family === 'mariadb' ? 'MariaDB' : 'MySQL'}` : ''}`,
      ...(facts.family ? { family: facts.family } : {}),
      dumpDatabases: mydumperDatabases(names),
      bytes,
      ...(createdAt
        ? {
            createdAt,
            createdAtFrom: facts.finishedAt ? 'the metadata\'s "Finished dump at" line' : 'the metadata\'s "Started dump at" line',
          }
        : {}),
      ...(facts.gtid ? { gtid: facts.gtid } : {}),
      ...(facts.finishedAt
        ? {}
        : { damaged: 'the dump is incomplete: its metadata file has no "Finished dump at" line (mydumper writes it when the dump ends)' }),
    };
  },
};
