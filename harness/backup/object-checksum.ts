import { createHash, type Hash } from 'node:crypto';

/**
 * What an object's bytes must hash to, and where that was read: firedrill's own upload metadata (sha256 and size), a
 * sidecar object beside it (`<key>.sha256` / `.sha1` / `.md5`, as mysqlbackup-style jobs write), the store's ETag of a
 * single-part upload (its MD5) or of a multipart upload (MD5 of the parts' MD5s, `-N`, given the part size).
 */
export interface ExpectedDigest {
  algorithm: 'sha256' | 'sha1' | 'md5' | 'multipart-etag';
  hex: string;
  from: string;
  /** multipart-etag only: the size of every part but the last, and their number. */
  partSize?: number;
  parts?: number;
}

/** `"d41d8cd98f00b204e9800998ecf8427e"` → md5; `"…-3"` → a multipart ETag of 3 parts; anything else: none. */
export function digestOfEtag(etag: string | undefined, partSize?: number): ExpectedDigest | undefined {
  const e = (etag ?? '').replace(/^W\//, '').replace(/"/g, '').toLowerCase();
  if (/^[0-9a-f]{32}$/.test(e)) return { algorithm: 'md5', hex: e, from: 'the ETag (MD5 of a single-part upload)' };
  const m = /^([0-9a-f]{32})-(\d+)$/.exec(e);
  if (m && partSize && partSize > 0)
    return { algorithm: 'multipart-etag', hex: m[1]!, parts: Number(m[2]), partSize, from: `the multipart ETag (${m[2]} parts)` };
  return undefined;
}

/** The digest a sidecar file holds: its first hexadecimal word of the right length (`sha256sum` output and bare hex). */
export function digestOfSidecar(text: string, algorithm: 'sha256' | 'sha1' | 'md5', from: string): ExpectedDigest | undefined {
  const len = { sha256: 64, sha1: 40, md5: 32 }[algorithm];
  const m = new RegExp(`(?:^|\\s)([0-9a-fA-F]{${len}})(?:\\s|$)`).exec(text);
  return m ? { algorithm, hex: m[1]!.toLowerCase(), from } : undefined;
}

/** Hashes a stream of bytes as it passes, for one expected digest; `result()` is the hex to compare with it. */
export class StreamDigest {
  private readonly whole?: Hash;
  private part?: Hash;
  private partFill = 0;
  private readonly partDigests: Buffer[] = [];
  constructor(private readonly expected: ExpectedDigest) {
    if (expected.algorithm !== 'multipart-etag') this.whole = createHash(expected.algorithm);
  }
  update(chunk: Buffer): void {
    if (this.whole) {
      this.whole.update(chunk);
      return;
    }
    const size = this.expected.partSize!;
    let at = 0;
    while (at < chunk.length) {
      this.part ??= createHash('md5');
      const take = Math.min(size - this.partFill, chunk.length - at);
      this.part.update(chunk.subarray(at, at + take));
      this.partFill += take;
      at += take;
      if (this.partFill === size) {
        this.partDigests.push(this.part.digest());
        this.part = undefined;
        this.partFill = 0;
      }
    }
  }
  /** The hex digest; for a multipart ETag, `md5(md5(part1)…md5(partN))` and the number of parts seen. */
  result(): { hex: string; parts?: number } {
    if (this.whole) return { hex: this.whole.digest('hex') };
    const digests = [...this.partDigests, ...(this.part ? [this.part.digest()] : [])];
    return { hex: createHash('md5').update(Buffer.concat(digests)).digest('hex'), parts: digests.length };
  }
}
