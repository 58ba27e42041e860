import { open } from 'node:fs/promises';

/** Reads `length` bytes at `position` (fewer at the end); how a binlog file is read without reading it whole. */
export interface ByteSource {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
}

export async function fileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  const fh = await open(path, 'r');
  const size = (await fh.stat()).size;
  return {
    size,
    async read(position, length) {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      const { bytesRead } = await fh.read(buf, 0, buf.length, position);
      return buf.subarray(0, bytesRead);
    },
    close: () => fh.close(),
  };
}

const MAGIC = Buffer.from([0xfe, 0x62, 0x69, 0x6e]);
const HEADER = 19;
const EV = {
  STOP: 3,
  ROTATE: 4,
  FORMAT_DESCRIPTION: 15,
  MYSQL_GTID: 33,
  MYSQL_PREVIOUS_GTIDS: 35,
  MARIADB_GTID: 162,
  MARIADB_GTID_LIST: 163,
};

/** One GTID as the family writes it: MariaDB `domain-server-seq`, MySQL `uuid:n`. */
type GtidText = string;

/** What a binlog file's event headers say, read header by header (and the bodies of GTID events only). */
export interface BinlogFileHeaders {
  family: 'mariadb' | 'mysql';
  bytes: number;
  /**
   * The GTID state the server wrote at the file's start (MariaDB Gtid_list: the last GTID of each domain;
   * MySQL Previous_gtids: the executed set), in the family's text form.
   */
  startState: string;
  gtids: GtidText[];
  firstTime?: Date;
  lastTime?: Date;
  /** How the file ends: a Rotate event naming the next file, a Stop event, or no end yet (the server's current file). */
  end: { kind: 'rotate'; next: string } | { kind: 'stop' } | { kind: 'open' };
  /** Set when the file breaks off: the last event is cut, or the file is not a binlog after its header. */
  truncated?: string;
}

const uuidOf = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/**
 * Walks a binlog file event header by event header (19 bytes each; a GTID event's body too), never the row data: its
 * starting GTID state, its GTIDs, its first and last event times, how it ends, and whether it breaks off.
 */
export async function readBinlogHeaders(src: ByteSource): Promise<BinlogFileHeaders> {
  const magic = await src.read(0, 4);
  if (!magic.equals(MAGIC)) throw new Error('not a binary log (no \\xfebin magic)');
  const out: BinlogFileHeaders = { family: 'mariadb', bytes: src.size, startState: '', gtids: [], end: { kind: 'open' } };
  let checksumBytes = 0;
  let pos = 4;
  while (pos < src.size) {
    const h = await src.read(pos, HEADER);
    if (h.length < HEADER) {
      out.truncated = `an event header at byte ${pos} is cut off (the file ends at ${src.size})`;
      break;
    }
    const time = new Date(h.readUInt32LE(0) * 1000);
    const type = h[4]!;
    const serverId = h.readUInt32LE(5);
    const size = h.readUInt32LE(9);
    if (size < HEADER) {
      out.truncated = `the event at byte ${pos} has an impossible length ${size}`;
      break;
    }
    if (pos + size > src.size) {
      out.truncated = `the event at byte ${pos} needs ${size} bytes; the file ends ${src.size - pos} bytes later`;
      break;
    }
    const bodyLen = size - HEADER - (type === EV.FORMAT_DESCRIPTION ? 0 : checksumBytes);
    const body = async (n: number) => src.read(pos + HEADER, Math.min(n, bodyLen));
    if (type !== EV.FORMAT_DESCRIPTION && type !== EV.ROTATE && h.readUInt32LE(0) !== 0) {
      out.firstTime ??= time;
      out.lastTime = time;
    }
    if (type === EV.FORMAT_DESCRIPTION) {
      const b = await src.read(pos + HEADER, size - HEADER);
      const version = b.subarray(2, 52).toString('latin1').replace(/\0.*$/s, '');
      out.family = /mariadb/i.test(version) ? 'mariadb' : 'mysql';
      // The checksum algorithm byte comes 5 bytes before the event's end (then the CRC32 itself).
      checksumBytes = b.length >= 5 && b[b.length - 5] === 1 ? 4 : 0;
    } else if (type === EV.MARIADB_GTID_LIST) {
      const b = await body(bodyLen);
      const n = b.readUInt32LE(0) & 0x0fffffff;
      const list: string[] = [];
      for (let i = 0; i < n; i++) {
        const at = 4 + i * 16;
        list.push(`${b.readUInt32LE(at)}-${b.readUInt32LE(at + 4)}-${b.readBigUInt64LE(at + 8)}`);
      }
      out.startState = list.join(',');
    } else if (type === EV.MARIADB_GTID) {
      const b = await body(12);
      out.gtids.push(`${b.readUInt32LE(8)}-${serverId}-${b.readBigUInt64LE(0)}`);
    } else if (type === EV.MYSQL_GTID) {
      const b = await body(25);
      out.gtids.push(`${uuidOf(b.subarray(1, 17))}:${b.readBigInt64LE(17)}`);
    } else if (type === EV.MYSQL_PREVIOUS_GTIDS) {
      const b = await body(bodyLen);
      const sets: string[] = [];
      let at = 8;
      for (let i = 0n, n = b.readBigUInt64LE(0); i < n; i++) {
        const uuid = uuidOf(b.subarray(at, at + 16));
        const k = Number(b.readBigUInt64LE(at + 16));
        at += 24;
        const ranges: string[] = [];
        for (let j = 0; j < k; j++, at += 16) {
          const s = b.readBigUInt64LE(at);
          const e = b.readBigUInt64LE(at + 8) - 1n;
          ranges.push(s === e ? `${s}` : `${s}-${e}`);
        }
        sets.push(`${uuid}:${ranges.join(':')}`);
      }
      out.startState = sets.join(',');
    } else if (type === EV.ROTATE && h.readUInt32LE(13) !== 0) {
      // A real rotate (not the fake one a replica or mysqlbinlog --raw writes first): position 8 bytes, next file name.
      const b = await body(bodyLen);
      out.end = { kind: 'rotate', next: b.subarray(8).toString('latin1') };
    } else if (type === EV.STOP) out.end = { kind: 'stop' };
    pos += size;
  }
  return out;
}
