import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One transaction found in decoded binlog text: where it starts, its GTID, when it was written, what it did. */
export interface BinlogTransaction {
  gtid: string;
  file: string;
  /** Byte position of the transaction's first (GTID) event in its file. */
  pos: number;
  /** The event's timestamp as the tool prints it (server time zone, one-second granularity). */
  at: string;
  /** The first statements of the transaction (MariaDB's annotated row statements included), at most 3. */
  statements: string[];
}

const EVENT_HEAD = /^#(\d{6}\s+\d{1,2}:\d{2}:\d{2}) server id \d+\s+end_log_pos \d+/;
const AT = /^# at (\d+)$/;
const MARIADB_GTID = /\tGTID (\d+-\d+-\d+)(?: |$)/;
const MYSQL_GTID_EVENT = /\tGTID\tlast_committed=/;
const MYSQL_GTID_NEXT = /^SET @@SESSION\.GTID_NEXT= '([^']+)'/;
const FILE_START = /\tStart: binlog v 4/;
const NOISE = /^(#|\/\*|SET |BINLOG |DELIMITER|BEGIN|COMMIT|START TRANSACTION|ROLLBACK|use |\s*$)/;

/**
 * Reads the text of mariadb-binlog / mysqlbinlog (both families' formats) for the given files, decoded in that
 * order in one run, and lists the transactions in binlog order. A new file begins at each format-description
 * ("Start: binlog v 4") event; base64 BINLOG blocks are skipped.
 */
class BinlogTextParser {
  private readonly out: BinlogTransaction[] = [];
  private fileIndex = -1;
  private lastAt = 0;
  private lastHead = '';
  private inBinlogBlock = false;
  private pendingMysql: { pos: number; at: string } | undefined;

  constructor(private readonly files: readonly string[]) {}

  line(l: string): void {
    if (this.inBinlogBlock) {
      if (l.includes("'/*!*/;")) this.inBinlogBlock = false;
      return;
    }
    if (l.startsWith("BINLOG '")) {
      this.inBinlogBlock = !l.includes("'/*!*/;");
      return;
    }
    const at = AT.exec(l);
    if (at) {
      this.lastAt = Number(at[1]);
      return;
    }
    const head = EVENT_HEAD.exec(l);
    if (head) {
      this.lastHead = head[1]!.replace(/\s+/g, ' ');
      if (FILE_START.test(l)) this.fileIndex++;
      const g = MARIADB_GTID.exec(l);
      if (g) this.open(g[1]!, this.lastAt, this.lastHead);
      else if (MYSQL_GTID_EVENT.test(l)) this.pendingMysql = { pos: this.lastAt, at: this.lastHead };
      return;
    }
    const next = MYSQL_GTID_NEXT.exec(l);
    if (next && this.pendingMysql) {
      this.open(next[1]!, this.pendingMysql.pos, this.pendingMysql.at);
      this.pendingMysql = undefined;
      return;
    }
    const cur = this.out[this.out.length - 1];
    if (!cur || cur.statements.length >= 3) return;
    if (l.startsWith('#Q> ')) {
      cur.statements.push(l.slice(4, 204));
      return;
    }
    if (!NOISE.test(l)) cur.statements.push(l.slice(0, 200));
  }

  private open(gtid: string, pos: number, at: string): void {
    const file = this.files[this.fileIndex];
    if (file === undefined) throw new Error(`binlog text: transaction ${gtid} before any file header (or more files than given)`);
    this.out.push({ gtid, file, pos, at, statements: [] });
  }

  transactions(): BinlogTransaction[] {
    return this.out;
  }
}

/** The epoch milliseconds of a decoded event time ('261122 6:35:16': yymmdd h:mm:ss; the tools print UTC here). */
export function eventTime(at: string): number {
  const m = /^(\d{2})(\d{2})(\d{2}) (\d{1,2}):(\d{2}):(\d{2})$/.exec(at.trim().replace(/\s+/g, ' '));
  if (!m) throw new Error(`binlog event time '${at}' is not yymmdd h:mm:ss`);
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  return Date.UTC(2000 + y!, mo! - 1, d!, h!, mi!, se!);
}

export function parseBinlogText(text: string, files: readonly string[]): BinlogTransaction[] {
  const p = new BinlogTextParser(files);
  for (const l of text.split('\n')) p.line(l);
  return p.transactions();
}

/** The same, reading a (possibly large) decoded file line by line. */
export async function parseBinlogTextFile(path: string, files: readonly string[]): Promise<BinlogTransaction[]> {
  const p = new BinlogTextParser(files);
  for await (const l of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) p.line(l);
  return p.transactions();
}
