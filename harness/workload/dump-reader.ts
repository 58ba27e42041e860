import { createReadStream, existsSync, statSync, readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { spawnPiped } from '../exec/index.js';
import { UsageError } from '../core/index.js';
import { datasetSql } from '../sql/index.js';

/**
 * Reading mysqldump / mariadb-dump output as a stream (never whole in memory): plain, gzip or zstd, one file or a
 * folder of them. The filter passes the dump through unchanged except for what would break a drill topology:
 * the dump's replication position (GTID_PURGED, gtid_slave_pos, CHANGE MASTER/REPLICATION SOURCE) and
 * `SQL_LOG_BIN=0` (the data must reach the replicas). A dump that names no database gets one (from its header or
 * its file name).
 */

export type Compression = 'none' | 'gzip' | 'zstd';

/** The compression of a file, from its first bytes (not its name). */
export function compressionOf(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

const DUMP_NAME = /\.(sql|dump)(\.(gz|zst|zstd))?$/i;

/** The database a dump without CREATE DATABASE / USE goes into: its file name without the extensions. */
export function databaseNameFromFile(file: string): string {
  const b = basename(file)
    .replace(/\.(gz|zst|zstd)$/i, '')
    .replace(/\.(sql|dump)$/i, '');
  const name = b.replace(/[^\w$]/g, '_').slice(0, 64);
  return name || 'dataset';
}

/** The dump files a dataset argument names: the file itself, or a folder's *.sql[.gz|.zst] files in name order. */
export function dumpFiles(path: string): string[] {
  const p = resolve(path);
  if (!existsSync(p)) throw new UsageError(`dataset ${path}: no such file or folder`);
  if (statSync(p).isDirectory()) {
    const files = readdirSync(p)
      .filter((f) => DUMP_NAME.test(f))
      .sort()
      .map((f) => join(p, f));
    if (!files.length) throw new UsageError(`dataset ${path}: the folder holds no dump (*.sql, *.sql.gz, *.sql.zst)`);
    return files;
  }
  return [p];
}

/** What a pass over a dump saw: the databases and tables it creates, accounts it names, what the filter took out. */
export interface DumpInfo {
  /** Databases in the order the dump creates or uses them (the injected one included). */
  databases: string[];
  /** Base tables as `db.table`. */
  tables: string[];
  /** Accounts the dump creates or grants to (user names). */
  users: string[];
  /** Per base table (`db.table`): the number of columns of its PRIMARY KEY, 0 without one (as CREATE TABLE says). */
  primaryKeys: Record<string, number>;
  /** Per base table (`db.table`): its engine as CREATE TABLE names it (absent when it names none: the server's default). */
  engines: Record<string, string>;
  /** Base tables (`db.table`) with a FLOAT column: a logical dump writes their values rounded (F13). */
  floatTables: string[];
  /** Tables (`db.table`) created WITH SYSTEM VERSIONING: a logical dump without --dump-history holds no history (F14). */
  versionedTables: string[];
  /** Per sequence (`db.name`): its INCREMENT and CACHE as CREATE SEQUENCE gives them (the server's defaults, 1 and 1000, when
   * it names none; NOCACHE is 0). */
  sequences: Record<string, SequenceOptions>;
  /** The database given to a dump that names none (null when the dump names its own). */
  injectedDatabase: string | null;
  /** Statements taken out, by kind. */
  removed: Record<string, number>;
  /** Uncompressed bytes that passed. */
  bytes: number;
}

/** A sequence's options that decide whether a Galera cluster accepts it. */
export interface SequenceOptions {
  increment: number;
  cache: number;
}

type LineFate = 'pass' | 'drop-statement';

const REMOVE: ReadonlyArray<[string, RegExp]> = [
  ['gtid-purged', /^SET @@GLOBAL\.GTID_PURGED\b/i],
  ['sql-log-bin', /^SET @@SESSION\.SQL_LOG_BIN\s*=/i],
  ['gtid-slave-pos', /^SET GLOBAL gtid_slave_pos\b/i],
  ['change-source', /^CHANGE (MASTER|REPLICATION SOURCE)\b/i],
  ['start-replica', /^START (SLAVE|REPLICA)\b/i],
];
/** An identifier, back-quoted or bare: group 1 or group 2. */
const ID = '(?:`((?:[^`]|``)+)`|([A-Za-z0-9_$]+))';
const CREATE_DB = new RegExp(`^CREATE (?:DATABASE|SCHEMA) (?:/\\*!32312 IF NOT EXISTS\\*/ |IF NOT EXISTS )?${ID}`, 'i');
const USE_DB = new RegExp(`^USE ${ID}`, 'i');
const HEADER_DB = /^-- Host: .*\bDatabase: (\S+)/;
const CREATE_SEQUENCE = new RegExp(`^CREATE (?:OR REPLACE )?SEQUENCE (?:IF NOT EXISTS )?${ID}(?:\\.${ID})?(.*)`, 'i');
const CREATE_TABLE = new RegExp(`^CREATE TABLE (?:IF NOT EXISTS )?${ID}(?:\\.${ID})?`, 'i');
/** A table's key line (`PRIMARY KEY (...)`), or a column declared PRIMARY KEY on its own line. */
const PRIMARY_KEY = /^\s*PRIMARY KEY\s*\((.*)/i;
const INLINE_PRIMARY_KEY = /^\s*(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+) .*\bPRIMARY KEY\b/i;
/** A column line of CREATE TABLE declaring a FLOAT (not a key or constraint line). */
const FLOAT_COLUMN =
  /^\s*(?!(?:KEY|INDEX|UNIQUE|PRIMARY|CONSTRAINT|FULLTEXT|SPATIAL|FOREIGN|CHECK|PERIOD)\b)(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)\s+float\b/i;
const ENGINE = /\)\s*(?:\/\*[^*]*\*\/\s*)?ENGINE\s*=\s*(\w+)/i;
const CREATE_USER = /^(?:CREATE USER|GRANT .* TO) (?:IF NOT EXISTS )?'((?:[^'\\]|\\.)+)'@/i;
/** Lines that need a current database: once one comes before any USE, the dump names none. */
const NEEDS_DB =
  /^(?:CREATE (?!DATABASE|SCHEMA|USER|ROLE)|DROP (?!DATABASE|SCHEMA|USER)|INSERT |REPLACE |LOCK TABLES|ALTER TABLE|DELIMITER|\/\*!50\d{3} (?:CREATE|DROP))/i;
const HEAD_BYTES = 512;
const ROW_START = 0x28;
const unq = (s: string) => s.replace(/``/g, '`');
/** The identifier a match holds at groups i (quoted) or i+1 (bare). */
const idAt = (m: RegExpExecArray, i: number): string | undefined => (m[i] !== undefined ? unq(m[i]!) : m[i + 1]);

/**
 * The streaming filter. It looks only at the first bytes of each line (dump lines can be megabytes of INSERT
 * values: those pass through in the chunks they came in).
 */
export class DumpFilter extends Transform {
  readonly info: DumpInfo;
  private head: Buffer[] = [];
  private headLen = 0;
  /** undefined: at the start of a line whose fate is not known yet. */
  private fate: LineFate | undefined;
  private dropping = false;
  private current: string | null = null;
  private headerDb: string | null = null;
  /** The table whose CREATE TABLE body the lines are in (its key lines are read). */
  private inTable: string | null = null;

  constructor(
    private readonly defaultDb: string,
    private readonly passOn = true,
  ) {
    super();
    this.info = {
      databases: [],
      tables: [],
      users: [],
      primaryKeys: {},
      engines: {},
      floatTables: [],
      versionedTables: [],
      sequences: {},
      injectedDatabase: null,
      removed: {},
      bytes: 0,
    };
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.info.bytes += chunk.length;
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      const end = nl < 0 ? chunk.length : nl + 1;
      const piece = chunk.subarray(pos, end);
      if (this.fate === undefined) {
        this.head.push(piece);
        this.headLen += piece.length;
        if (nl >= 0 || this.headLen >= HEAD_BYTES) {
          const whole = Buffer.concat(this.head);
          this.head = [];
          this.headLen = 0;
          // A row of a multi-row INSERT ('(' first: mariadb-dump and mysqldump write one row a line) is data: it
          // passes without being read (most of a dump's lines, most of the filter's time otherwise).
          this.fate = whole[0] === ROW_START && !this.dropping ? 'pass' : this.decide(whole.subarray(0, HEAD_BYTES).toString('utf8'));
          if (this.fate === 'pass') this.out(whole);
          if (this.fate === 'drop-statement') this.dropUntilEnd(whole, nl >= 0);
          if (nl >= 0) this.fate = undefined;
        }
      } else {
        if (this.fate === 'pass') this.out(piece);
        else this.dropUntilEnd(piece, nl >= 0);
        if (nl >= 0) this.fate = undefined;
      }
      pos = end;
    }
    this.pushPassed();
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.fate === undefined && this.headLen > 0) {
      const whole = Buffer.concat(this.head);
      const fate = this.decide(whole.toString('utf8'));
      if (fate === 'pass') this.out(whole);
    }
    this.pushPassed();
    cb();
  }

  /** What passes, gathered over one input chunk and pushed at its end: one write per chunk, not one per line
   * (a dump of one row a line would otherwise make hundreds of thousands of tiny writes into the client's pipe). */
  private passed: Buffer[] = [];

  private out(b: Buffer | string): void {
    if (this.passOn) this.passed.push(typeof b === 'string' ? Buffer.from(b) : b);
  }

  private pushPassed(): void {
    if (this.passed.length) this.push(this.passed.length === 1 ? this.passed[0]! : Buffer.concat(this.passed));
    this.passed = [];
  }

  /** A dropped statement ends on a line whose last non-blank character is ';'. */
  private dropUntilEnd(piece: Buffer, lineEnds: boolean): void {
    if (lineEnds && /;\s*$/.test(piece.subarray(Math.max(0, piece.length - 64)).toString('utf8'))) this.dropping = false;
    if (lineEnds && !this.dropping) this.fate = undefined;
  }

  private decide(line: string): LineFate {
    if (this.dropping) {
      if (/;\s*$/.test(line)) this.dropping = false;
      return 'drop-statement';
    }
    for (const [kind, re] of REMOVE) {
      if (re.test(line)) {
        this.info.removed[kind] = (this.info.removed[kind] ?? 0) + 1;
        this.dropping = !/;\s*$/.test(line);
        return 'drop-statement';
      }
    }
    const header = HEADER_DB.exec(line);
    if (header) {
      this.headerDb = header[1]!.replace(/[^\w$]/g, '_');
      return 'pass';
    }
    const create = CREATE_DB.exec(line);
    if (create) {
      this.noteDb(idAt(create, 1)!);
      return 'pass';
    }
    const use = USE_DB.exec(line);
    if (use) {
      this.current = idAt(use, 1)!;
      this.noteDb(this.current);
      return 'pass';
    }
    const user = CREATE_USER.exec(line);
    if (user) {
      const u = user[1]!.replace(/\\(.)/g, '$1');
      if (!this.info.users.includes(u)) this.info.users.push(u);
      return 'pass';
    }
    if (this.current === null && NEEDS_DB.test(line)) {
      const db = this.headerDb ?? this.defaultDb;
      this.info.injectedDatabase = db;
      this.current = db;
      this.noteDb(db);
      this.out(datasetSql.useDatabase(db));
    }
    const seq = CREATE_SEQUENCE.exec(line);
    if (seq) {
      this.info.sequences[this.qualify(idAt(seq, 1)!, idAt(seq, 3))] = sequenceOptions(seq[5] ?? '');
      return 'pass';
    }
    const m = CREATE_TABLE.exec(line);
    if (m) {
      const q = this.qualify(idAt(m, 1)!, idAt(m, 3));
      if (!this.info.tables.includes(q)) this.info.tables.push(q);
      this.info.primaryKeys[q] = 0;
      this.inTable = /\)\s*[^(]*;\s*$/.test(line) ? null : q;
      if (this.inTable === null) this.noteEngine(q, line);
      return 'pass';
    }
    if (this.inTable !== null) {
      const pk = PRIMARY_KEY.exec(line);
      if (pk) {
        const quoted = pk[1]!.match(/`(?:[^`]|``)+`/g);
        this.info.primaryKeys[this.inTable] = quoted ? quoted.length : pk[1]!.split(')')[0]!.split(',').length;
      } else if (INLINE_PRIMARY_KEY.test(line)) this.info.primaryKeys[this.inTable] = 1;
      if (FLOAT_COLUMN.test(line) && !this.info.floatTables.includes(this.inTable)) this.info.floatTables.push(this.inTable);
      if (/^\)/.test(line)) {
        this.noteEngine(this.inTable, line);
        this.inTable = null;
      }
    }
    return 'pass';
  }

  /** The table options' `ENGINE=X` and `WITH SYSTEM VERSIONING` (the line that closes CREATE TABLE). */
  private noteEngine(table: string, line: string): void {
    const e = ENGINE.exec(line)?.[1];
    if (e) this.info.engines[table] = e;
    if (/\)[^(]*\bWITH SYSTEM VERSIONING\b/i.test(line) && !this.info.versionedTables.includes(table))
      this.info.versionedTables.push(table);
  }

  /** `db.name` of a name the statement gives as `name` or `db`.`name`. */
  private qualify(first: string, second: string | undefined): string {
    return second !== undefined ? `${first}.${second}` : `${this.current ?? this.defaultDb}.${first}`;
  }

  private noteDb(db: string): void {
    if (!this.info.databases.includes(db)) this.info.databases.push(db);
  }
}

/** INCREMENT and CACHE from CREATE SEQUENCE's options (`increment by 5 cache 10`, `NOCACHE`, `CACHE = 0`). */
function sequenceOptions(options: string): SequenceOptions {
  const inc = /\bINCREMENT\s*(?:BY\s*|=\s*)?(-?\d+)/i.exec(options);
  const cache = /\bCACHE\s*=?\s*(\d+)/i.exec(options);
  return { increment: inc ? Number(inc[1]) : 1, cache: /\bNOCACHE\b/i.test(options) ? 0 : cache ? Number(cache[1]) : 1000 };
}

/** Counts bytes read from the file (compressed bytes, for progress against the file's size). */
class Counter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

async function fileCompression(file: string): Promise<Compression> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return compressionOf(b.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/**
 * Streams a dump file, decompressed and filtered, into `sink`. `onBytes` gets the compressed bytes read so far.
 * zstd runs as the host's `zstd -dc` (Node 20 has no zstd); gzip in-process.
 */
export async function streamDump(
  file: string,
  sink: Writable,
  o: { defaultDb?: string; emit?: boolean; onBytes?: (read: number) => void } = {},
): Promise<DumpInfo> {
  const compression = await fileCompression(file);
  const counter = new Counter();
  const filter = new DumpFilter(o.defaultDb ?? databaseNameFromFile(file), o.emit ?? true);
  let timer: NodeJS.Timeout | undefined;
  if (o.onBytes) {
    const f = o.onBytes;
    timer = setInterval(() => f(counter.bytes), 1000);
  }
  try {
    const src = createReadStream(file, { highWaterMark: 1 << 20 });
    if (compression === 'zstd') {
      const z = spawnPiped(['zstd', '-q', '-d', '-c']);
      await Promise.all([pipeline(src, counter, z.stdin), pipeline(z.stdout, filter, sink), z.done]);
    } else if (compression === 'gzip') {
      await pipeline(src, counter, createGunzip(), filter, sink);
    } else {
      await pipeline(src, counter, filter, sink);
    }
  } finally {
    if (timer) clearInterval(timer);
    o.onBytes?.(counter.bytes);
  }
  return filter.info;
}

/** Reads a whole dump once without loading it: what it would create (for the clash check before anything starts). */
export async function scanDump(file: string, defaultDb?: string): Promise<DumpInfo> {
  const sink = new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });
  return streamDump(file, sink, { defaultDb, emit: false });
}

/** Collects a readable into a string: for tests and small inputs only. */
export async function readAll(r: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}
