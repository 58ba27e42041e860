import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { check, type CheckResult, type Difference } from './check.js';

/**
 * Byte 21 of a binlog file holds the low byte of the format-description event's flags; bit 0x01
 * (LOG_EVENT_BINLOG_IN_USE_F) is set while the server still writes the file and cleared when it closes it. A raw
 * copy of the file the server is still writing may differ there and nowhere else.
 */
const IN_USE_BYTE = 21;

/** sha256 of a binlog file with the in-use flag masked. */
async function binlogDigest(path: string): Promise<string> {
  const h = createHash('sha256');
  let offset = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    if (offset <= IN_USE_BYTE && IN_USE_BYTE < offset + chunk.length) {
      const c = Buffer.from(chunk);
      c[IN_USE_BYTE - offset]! &= ~0x01;
      h.update(c);
    } else h.update(chunk);
    offset += chunk.length;
  }
  return h.digest('hex');
}

export interface BinlogPair {
  name: string;
  source?: string;
  copy?: string;
}

/**
 * A streamed copy of a server's binlogs holds every event exactly once when every file the server lists has a copy
 * of the same size and the same bytes (the in-use flag aside), and the copy has no file the server lacks. Lost
 * events show as short or missing files, duplicated ones as longer files or different bytes. Reports every file.
 */
export async function compareBinlogCopies(name: string, pairs: readonly BinlogPair[]): Promise<CheckResult> {
  const diffs: Difference[] = [];
  const files = [];
  for (const p of pairs) {
    const src = p.source && existsSync(p.source) ? await stat(p.source) : undefined;
    const cp = p.copy && existsSync(p.copy) ? await stat(p.copy) : undefined;
    if (!src) {
      diffs.push({ database: '*', object: p.name, kind: 'binlog-not-on-source', actual: cp?.size });
      continue;
    }
    if (!cp) {
      diffs.push({ database: '*', object: p.name, kind: 'binlog-missing-from-stream', expected: src.size });
      continue;
    }
    const equal = src.size === cp.size && (await binlogDigest(p.source!)) === (await binlogDigest(p.copy!));
    files.push({ file: p.name, bytes: src.size, copyBytes: cp.size, identical: equal });
    if (src.size !== cp.size)
      diffs.push({
        database: '*',
        object: p.name,
        kind: cp.size < src.size ? 'binlog-copy-short' : 'binlog-copy-long',
        expected: src.size,
        actual: cp.size,
      });
    else if (!equal)
      diffs.push({ database: '*', object: p.name, kind: 'binlog-copy-differs', expected: 'same bytes', actual: 'different bytes' });
  }
  return check(name, diffs, { files });
}
