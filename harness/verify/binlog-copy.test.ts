import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareBinlogCopies } from './binlog-copy.js';

/** A binlog-like file: 4 magic bytes, a 19-byte event header whose flags (bytes 21-22) carry the in-use bit, events. */
function binlog(events: string[], inUse: boolean): Buffer {
  const head = Buffer.alloc(23);
  head.write('\xfebin', 0, 'latin1');
  head[21] = inUse ? 0x01 : 0x00;
  return Buffer.concat([head, ...events.map((e) => Buffer.from(e))]);
}

const made: string[] = [];
afterAll(async () => {
  for (const d of made) await rm(d, { recursive: true, force: true });
});

async function pair(src: Buffer, copy: Buffer | undefined) {
  const d = await mkdtemp(join(tmpdir(), 'fd-binlog-'));
  made.push(d);
  await writeFile(join(d, 'src'), src);
  if (copy) await writeFile(join(d, 'copy'), copy);
  return { name: 'mysql-bin.000002', source: join(d, 'src'), copy: copy ? join(d, 'copy') : undefined };
}

describe('compareBinlogCopies', () => {
  const events = ['GTID 0-1-1;', 'INSERT 1;', 'GTID 0-1-2;', 'INSERT 2;'];

  it('accepts an exact copy, and the copy of the file the server still writes (in-use flag set)', async () => {
    const closed = await pair(binlog(events, false), binlog(events, false));
    const active = await pair(binlog(events, true), binlog(events, false));
    const r = await compareBinlogCopies('stream', [closed, active]);
    expect(r.valid).toBe(true);
    expect(r.details['files']).toHaveLength(2);
  });

  it('fails on a lost event (short copy), naming the file', async () => {
    const r = await compareBinlogCopies('stream', [await pair(binlog(events, false), binlog(events.slice(0, 3), false))]);
    expect(r.valid).toBe(false);
    expect(JSON.stringify(r.details['differences'])).toContain('binlog-copy-short');
    expect(JSON.stringify(r.details['differences'])).toContain('mysql-bin.000002');
  });

  it('fails on a duplicated event (long copy) and on a same-size copy with other bytes', async () => {
    const dup = await pair(binlog(events, false), binlog([...events, 'INSERT 2;'], false));
    const swapped = await pair(binlog(events, false), binlog(['GTID 0-1-1;', 'INSERT 2;', 'GTID 0-1-2;', 'INSERT 1;'], false));
    const r = await compareBinlogCopies('stream', [dup, swapped]);
    expect(r.valid).toBe(false);
    const kinds = (r.details['differences'] as Array<{ kind: string }>).map((d) => d.kind);
    expect(kinds).toEqual(['binlog-copy-long', 'binlog-copy-differs']);
  });

  it('fails on a file missing from the stream and on a file the source never had', async () => {
    const missing = await pair(binlog(events, false), undefined);
    const extra = { name: 'mysql-bin.000009', copy: missing.source };
    const r = await compareBinlogCopies('stream', [missing, extra]);
    expect((r.details['differences'] as Array<{ kind: string }>).map((d) => d.kind)).toEqual([
      'binlog-missing-from-stream',
      'binlog-not-on-source',
    ]);
  });
});
