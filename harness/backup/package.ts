import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, lstat, mkdtemp, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import { UsageError } from '../core/index.js';
import { sha256File } from './manifest.js';

const PACKAGE_FORMAT = 'firedrill-package/2';
const MAGIC = Buffer.from('FDPKG2\n');
const TAG_BYTES = 16;
const NONCE_PREFIX_BYTES = 7;
export const CHUNK_BYTES = 1 << 20;
/** tar, zstd: a deadline per MiB (plus a floor), so a stuck tool ends the step with an error instead of a hang. */
const toolDeadline = (bytes: number) => 120_000 + Math.ceil(bytes / (1 << 20)) * 2_000;

/**
 * The package's header, in the file and in the sidecar, authenticated as associated data of every chunk: what it is
 * and how it was sealed. The artifact id is a label only: it never becomes a path.
 */
interface PackageHeader {
  format: typeof PACKAGE_FORMAT;
  artifact: string;
  compression: 'zstd';
  cipher: 'aes-256-gcm-chunked';
  chunkBytes: number;
  noncePrefix: string;
  keyFingerprint: string;
  createdAt: string;
}

/**
 * The sidecar that travels with a package. Every field is authenticated with the key (HMAC-SHA256 under a key
 * derived from the artifact key), so size, sha256 and the header can be trusted once `mac` verified.
 */
export interface PackageInfo {
  format: typeof PACKAGE_FORMAT;
  artifact: string;
  file: string;
  bytes: number;
  sha256: string;
  compression: 'zstd';
  cipher: 'aes-256-gcm-chunked';
  keyFingerprint: string;
  createdAt: string;
  header: PackageHeader;
  timings: { packMs: number };
  mac: string;
}

/** A package a restore must not use; the message says why, and nothing was restored. */
export class PackageRejectedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`package ${basename(file)} refused: ${reason}`);
    this.name = 'PackageRejectedError';
  }
}

export const keyFingerprint = (key: Buffer) =>
  createHash('sha256').update('firedrill-artifact-key\0').update(key).digest('hex').slice(0, 16);
const subKey = (key: Buffer, purpose: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `firedrill-package/${purpose}`, 32));

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

/** Canonical JSON (keys sorted at every level): what the MAC and the associated data are computed over. */
function canonical(v: unknown): string {
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

export function sidecarMac(info: Omit<PackageInfo, 'mac'> & { mac?: string }, key: Buffer): string {
  const { mac: _m, ...fields } = info;
  return createHmac('sha256', subKey(key, 'sidecar')).update(canonical(fields)).digest('hex');
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

class ChunkSeal extends Transform {
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

class ChunkOpen extends Transform {
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

/** Every entry of a folder; anything but a regular file or a folder (symlink, device, fifo, socket) is listed apart. */
export async function scanTree(root: string): Promise<{ files: string[]; special: Array<{ path: string; type: string }> }> {
  const files: string[] = [];
  const special: Array<{ path: string; type: string }> = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) files.push(relative(root, p));
      else
        special.push({
          path: relative(root, p),
          type: e.isSymbolicLink() ? 'symlink' : e.isFIFO() ? 'fifo' : e.isSocket() ? 'socket' : 'device',
        });
    }
  };
  await walk(root);
  return { files: files.sort(), special };
}

/**
 * Packs an artifact folder: tar → zstd → chunked AES-256-GCM, into `outDir/<id>.tar.zst.enc`, plus its sidecar
 * (authenticated with the key). An artifact holding a symlink or a special file, or no file at all, is refused.
 */
export async function packArtifact(artifactDir: string, outDir: string, key: Buffer): Promise<PackageInfo> {
  const t0 = Date.now();
  const id = basename(artifactDir);
  const tree = await scanTree(artifactDir);
  if (tree.special.length)
    throw new Error(`artifact ${id} holds ${tree.special.map((s) => `${s.type} ${s.path}`).join(', ')}: only regular files are packed`);
  if (tree.files.length === 0) throw new Error(`artifact ${id} holds no file`);
  return packTree(artifactDir, outDir, key, tree.files, t0);
}

/** The packing itself, without the checks of packArtifact (exported for tests that need a package a packer should never make). */
export async function packTree(
  artifactDir: string,
  outDir: string,
  key: Buffer,
  files: readonly string[],
  t0 = Date.now(),
): Promise<PackageInfo> {
  const id = basename(artifactDir);
  const tree = { files };
  const inputBytes = (await Promise.all(tree.files.map((f) => stat(join(artifactDir, f)).then((s) => s.size)))).reduce((a, b) => a + b, 0);
  const file = join(outDir, `${id}.tar.zst.enc`);
  const header: PackageHeader = {
    format: PACKAGE_FORMAT,
    artifact: id,
    compression: 'zstd',
    cipher: 'aes-256-gcm-chunked',
    chunkBytes: CHUNK_BYTES,
    noncePrefix: randomBytes(NONCE_PREFIX_BYTES).toString('hex'),
    keyFingerprint: keyFingerprint(key),
    createdAt: new Date().toISOString(),
  };
  const headerBytes = Buffer.from(canonical(header));
  const lead = Buffer.alloc(4);
  lead.writeUInt32BE(headerBytes.length);
  const deadline = toolDeadline(inputBytes);
  const tar = execa('tar', ['-C', artifactDir, '-cf', '-', '.'], { stdout: 'pipe', buffer: false, timeout: deadline, cleanup: true });
  const zstd = execa('zstd', ['-q', '-3', '-T0', '-c'], { stdin: 'pipe', stdout: 'pipe', buffer: false, timeout: deadline, cleanup: true });
  const out = createWriteStream(file, { mode: 0o600 });
  out.write(Buffer.concat([MAGIC, lead, headerBytes]));
  await Promise.all([
    pipeline(tar.stdout!, zstd.stdin!),
    pipeline(zstd.stdout!, new ChunkSeal(subKey(key, 'data'), Buffer.from(header.noncePrefix, 'hex'), headerBytes, CHUNK_BYTES), out),
    tar,
    zstd,
  ]);
  const unsigned = {
    format: PACKAGE_FORMAT,
    artifact: id,
    file: basename(file),
    bytes: (await stat(file)).size,
    sha256: await sha256File(file),
    compression: 'zstd',
    cipher: 'aes-256-gcm-chunked',
    keyFingerprint: header.keyFingerprint,
    createdAt: header.createdAt,
    header,
    timings: { packMs: Date.now() - t0 },
  } as const;
  const info: PackageInfo = { ...unsigned, mac: sidecarMac(unsigned, key) };
  await writeFile(sidecarOf(file), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  return info;
}

export const sidecarOf = (file: string) => file.replace(/\.tar\.zst\.enc$/, '') + '.package.json';

/** Reads and authenticates a sidecar; every failure is a refusal that says why. */
async function readSidecar(file: string, key: Buffer): Promise<PackageInfo> {
  let info: PackageInfo;
  try {
    info = JSON.parse(await readFile(sidecarOf(file), 'utf8')) as PackageInfo;
  } catch {
    throw new PackageRejectedError(file, 'its sidecar (.package.json) is missing or unreadable');
  }
  if (info.format !== PACKAGE_FORMAT) throw new PackageRejectedError(file, `unknown format ${String(info.format)}`);
  if (info.keyFingerprint !== keyFingerprint(key))
    throw new PackageRejectedError(file, 'the key does not match the one it was encrypted with');
  const expected = Buffer.from(sidecarMac(info, key), 'hex');
  const got = Buffer.from(typeof info.mac === 'string' ? info.mac : '', 'hex');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    throw new PackageRejectedError(file, 'its sidecar is not authenticated by the key (a field was altered)');
  }
  return info;
}

/**
 * Checks a package before decrypting anything (sidecar MAC, size, sha256, the header in the file equal to the
 * authenticated one), then decrypts chunk by chunk (each chunk's tag verified before its bytes go on to zstd and tar)
 * into a private staging folder next to `dest`, refuses any symlink or special file, and only then renames the
 * staging folder to `dest` (given by the caller: no name from the package becomes a path). Returns `dest`.
 */
export async function unpackArtifact(file: string, key: Buffer, dest: string): Promise<string> {
  const info = await readSidecar(file, key);
  const size = await stat(file).then(
    (s) => s.size,
    () => -1,
  );
  if (size !== info.bytes) throw new PackageRejectedError(file, `${size} bytes, the sidecar says ${info.bytes} (truncated or extended)`);
  if ((await sha256File(file)) !== info.sha256)
    throw new PackageRejectedError(file, 'sha256 differs from the sidecar (the file was altered)');
  const head = await readHead(file);
  if (!head) throw new PackageRejectedError(file, 'not a firedrill package');
  if (head.headerBytes.toString() !== canonical(info.header))
    throw new PackageRejectedError(file, 'its header differs from the authenticated sidecar');
  const h = info.header;
  if (h.chunkBytes <= 0 || h.chunkBytes > 64 << 20 || !/^[0-9a-f]{14}$/.test(h.noncePrefix))
    throw new PackageRejectedError(file, 'bad chunking parameters');
  const work = await mkdtemp(join(dirname(dest), '.unpack-'));
  await chmod(work, 0o700);
  try {
    const deadline = toolDeadline(size * 4);
    const zstd = execa('zstd', ['-q', '-d', '-c'], { stdin: 'pipe', stdout: 'pipe', buffer: false, timeout: deadline, cleanup: true });
    const tar = execa('tar', ['-C', work, '-xf', '-'], { stdin: 'pipe', buffer: false, timeout: deadline, cleanup: true });
    const settle = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e,
      );
    const errors = await Promise.all([
      settle(
        pipeline(
          createReadStream(file, { start: head.dataStart, highWaterMark: h.chunkBytes + TAG_BYTES }),
          new ChunkOpen(subKey(key, 'data'), Buffer.from(h.noncePrefix, 'hex'), head.headerBytes, h.chunkBytes),
          zstd.stdin!,
        ),
      ),
      settle(pipeline(zstd.stdout!, tar.stdin!)),
      settle(zstd),
      settle(tar),
    ]);
    const auth = errors.find((e) => e instanceof Error && /authentication failed/.test(e.message));
    if (auth) throw new PackageRejectedError(file, (auth as Error).message);
    const other = errors.find((e) => e !== undefined);
    if (other)
      throw new PackageRejectedError(file, `cannot be unpacked: ${other instanceof Error ? other.message.split('\n')[0] : String(other)}`);
    const tree = await scanTree(work);
    if (tree.special.length)
      throw new PackageRejectedError(
        file,
        `it holds ${tree.special.map((s) => `${s.type} ${s.path}`).join(', ')}: only regular files are accepted`,
      );
    if (tree.files.length === 0) throw new PackageRejectedError(file, 'it holds no file');
    if (
      await lstat(dest).then(
        () => true,
        () => false,
      )
    )
      throw new PackageRejectedError(file, `${dest} already exists`);
    await rename(work, dest);
    return dest;
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}

async function readHead(file: string): Promise<{ headerBytes: Buffer; dataStart: number } | undefined> {
  const fh = await open(file, 'r');
  try {
    const lead = Buffer.alloc(MAGIC.length + 4);
    await fh.read(lead, 0, lead.length, 0);
    if (!lead.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const n = lead.readUInt32BE(MAGIC.length);
    if (n > 65536) return undefined;
    const headerBytes = Buffer.alloc(n);
    await fh.read(headerBytes, 0, n, lead.length);
    return { headerBytes, dataStart: lead.length + n };
  } finally {
    await fh.close();
  }
}

/**
 * Re-seals a package's sidecar after its file changed (sha256, size and MAC recomputed with the key): the damage a
 * checksum computed after the fact cannot see (bytes altered before the sidecar was made). Only AES-GCM catches
 * what follows; the tamper drill uses it to prove that.
 */
export async function resealSidecar(file: string, key: Buffer): Promise<void> {
  const info = JSON.parse(await readFile(sidecarOf(file), 'utf8')) as PackageInfo;
  const { mac: _m, ...rest } = info;
  const unsigned = { ...rest, bytes: (await stat(file)).size, sha256: await sha256File(file) };
  await writeFile(sidecarOf(file), JSON.stringify({ ...unsigned, mac: sidecarMac(unsigned, key) }, null, 2) + '\n', { mode: 0o600 });
}

/** The offset of the first ciphertext byte (after the magic and the header), for tampering tests. */
export async function dataOffset(file: string): Promise<number> {
  const h = await readHead(file);
  if (!h) throw new Error(`${file} is not a firedrill package`);
  return h.dataStart;
}

/** The backup store's remote side: uploading and downloading a package with its sidecar. */
export async function copyPackage(file: string, toDir: string): Promise<string> {
  const dest = join(toDir, basename(file));
  await pipeline(createReadStream(file), createWriteStream(dest, { mode: 0o600 }));
  await writeFile(sidecarOf(dest), await readFile(sidecarOf(file)), { mode: 0o600 });
  return dest;
}
