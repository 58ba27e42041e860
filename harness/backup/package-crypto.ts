/** The package's cryptography: the artifact key, the sidecar's MAC, and chunked AES-256-GCM sealing and opening. */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { UsageError } from '../core/index.js';

export const TAG_BYTES = 16;
export const NONCE_PREFIX_BYTES = 7;

export const keyFingerprint = (key: Buffer) =>
  createHash('sha256').update('firedrill-artifact-key\0').update(key).digest('hex').slice(0, 16);
export const subKey = (key: Buffer, purpose: string) =>
  Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `firedrill-package/${purpose}`, 32));

/** Reads the 32-byte key from FIREDRILL_ARTIFACT_KEY (hex or base64) or the file FIREDRILL_ARTIFACT_KEY_FILE names. */
export async function loadKey(env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  let text = env['FIREDRILL_ARTIFACT_KEY'];
  if (!text && env['FIREDRILL_ARTIFACT_KEY_FILE']) {
    try {
      text = (await readFile(env['FIREDRILL_ARTIFACT_KEY_FILE'], 'utf8')).trim();
    } catch {
      throw new UsageError(`cannot read the key file ${env['FIREDRILL_ARTIFACT_KEY_FILE']}`);
    }
  }
  if (!text) throw new UsageError('no artifact key: set FIREDRILL_ARTIFACT_KEY or FIREDRILL_ARTIFACT_KEY_FILE (32 bytes, hex or base64)');
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new UsageError('the artifact key must be 32 bytes (64 hex characters or base64)');
  return key;
}

/** The key when the environment gives one (as loadKey reads it), else undefined; a bad key is still a usage error. */
export async function keyIfGiven(env: NodeJS.ProcessEnv = process.env): Promise<Buffer | undefined> {
  return env['FIREDRILL_ARTIFACT_KEY'] || env['FIREDRILL_ARTIFACT_KEY_FILE'] ? loadKey(env) : undefined;
}

/** Canonical JSON (keys sorted at every level): what the MAC and the associated data are computed over. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The sidecar's MAC: HMAC-SHA256 of every field but `mac`, under a key derived from the artifact key. */
export function sidecarMac(info: object & { mac?: string }, key: Buffer): string {
  const { mac: _m, ...fields } = info;
  return createHmac('sha256', subKey(key, 'sidecar')).update(canonical(fields)).digest('hex');
}

/**
 * Whether a sidecar is what the key made: `other-key` when it names another key's fingerprint (nothing can be said
 * about it with this key), `forged` when its MAC does not verify (a field was altered without the key).
 */
export function sidecarVerdict(
  info: object & { keyFingerprint?: unknown; mac?: unknown },
  key: Buffer,
): 'authentic' | 'other-key' | 'forged' {
  if (info.keyFingerprint !== keyFingerprint(key)) return 'other-key';
  const expected = Buffer.from(sidecarMac(info as { mac?: string }, key), 'hex');
  const got = Buffer.from(typeof info.mac === 'string' ? info.mac : '', 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected) ? 'authentic' : 'forged';
}

const nonce = (prefix: Buffer, i: number, last: boolean) => {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(i, NONCE_PREFIX_BYTES);
  n[11] = last ? 1 : 0;
  return n;
};

/**
 * Chunked AES-256-GCM (the STREAM construction): each chunk has its own tag, its index and a last-chunk flag in its
 * nonce and the header as associated data. A chunk's plaintext is released only after its tag verified; a stream
 * cut at a chunk boundary lacks the last flag; data after the last chunk is refused.
 */
/** Bytes gathered until a chunk is full, without copying the whole buffer on every write. */
class Gather {
  private parts: Buffer[] = [];
  length = 0;
  add(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  /** Takes the first n bytes. */
  take(n: number): Buffer {
    const all = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    this.parts = rest.length ? [rest] : [];
    this.length = rest.length;
    return head;
  }
}

export class ChunkSeal extends Transform {
  private buf = new Gather();
  private i = 0;
  constructor(
    private readonly key: Buffer,
    private readonly prefix: Buffer,
    private readonly aad: Buffer,
    private readonly size: number,
  ) {
    super();
  }
  private seal(chunk: Buffer, last: boolean): void {
    const c = createCipheriv('aes-256-gcm', this.key, nonce(this.prefix, this.i++, last));
    c.setAAD(this.aad);
    this.push(Buffer.concat([c.update(chunk), c.final(), c.getAuthTag()]));
  }
  override _transform(data: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.buf.add(data);
    while (this.buf.length > this.size) this.seal(this.buf.take(this.size), false);
    cb();
  }
  override _flush(cb: TransformCallback): void {
    this.seal(this.buf.take(this.buf.length), true);
    cb();
  }
}

export class ChunkOpen extends Transform {
  private buf = new Gather();
  private i = 0;
  private done = false;
  constructor(
    private readonly key: Buffer,
    private readonly prefix: Buffer,
    private readonly aad: Buffer,
    private readonly size: number,
  ) {
    super();
  }
  private open(chunk: Buffer, last: boolean): Buffer {
    const d = createDecipheriv('aes-256-gcm', this.key, nonce(this.prefix, this.i, last));
    d.setAAD(this.aad);
    d.setAuthTag(chunk.subarray(chunk.length - TAG_BYTES));
    const plain = Buffer.concat([d.update(chunk.subarray(0, chunk.length - TAG_BYTES)), d.final()]); // throws on a bad tag
    this.i++;
    return plain;
  }
  override _transform(data: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    try {
      if (this.done) throw new Error('data after the last chunk');
      this.buf.add(data);
      const full = this.size + TAG_BYTES;
      // Keep one full chunk back: only at the end is it known whether it is the last one.
      while (this.buf.length > full) this.push(this.open(this.buf.take(full), false));
      cb();
    } catch (e) {
      cb(authError(e));
    }
  }
  override _flush(cb: TransformCallback): void {
    try {
      if (this.buf.length < TAG_BYTES) throw new Error('the package ends without its last chunk (truncated)');
      this.push(this.open(this.buf.take(this.buf.length), true));
      this.done = true;
      cb();
    } catch (e) {
      cb(authError(e));
    }
  }
}
const authError = (e: unknown) =>
  new Error(`authentication failed (AES-GCM tag of chunk; altered or truncated data): ${e instanceof Error ? e.message : String(e)}`);
