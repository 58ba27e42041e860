/**
 * The replication position a logical dump carries in its own text, as its tool wrote it:
 * - mariadb-dump --gtid --dump-slave[=2] / --master-data[=2]: `[-- ]SET GLOBAL gtid_slave_pos='0-1-5';`
 * - mysqldump --set-gtid-purged=ON: `SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*\/ 'uuid:1-5,\nuuid2:1-3';`
 * mysqldump writes it before any data; mariadb-dump 10.11+ defers it to the end of the file: head and tail are read.
 */
export interface DumpPosition {
  gtid: string;
  form: 'gtid_slave_pos' | 'GTID_PURGED';
  commented: boolean;
}

const MARIADB = /^(-- )?SET GLOBAL gtid_slave_pos\s*=\s*'([^']*)';/m;
const MYSQL = /^(-- )?SET @@GLOBAL\.GTID_PURGED\s*=\s*(?:\/\*!\d+ '\+'\*\/ )?'([^']*)';/m;

export function dumpPosition(head: string): DumpPosition | undefined {
  const my = MYSQL.exec(head);
  if (my) return { gtid: my[2]!.replace(/\s+/g, ''), form: 'GTID_PURGED', commented: !!my[1] };
  const ma = MARIADB.exec(head);
  if (ma) return { gtid: ma[2]!, form: 'gtid_slave_pos', commented: !!ma[1] };
  return undefined;
}

/** How many bytes of a dump's head and tail to read for its position. */
export const DUMP_POSITION_HEAD_BYTES = 8 * 1024 * 1024;
export const DUMP_POSITION_TAIL_BYTES = 1024 * 1024;
