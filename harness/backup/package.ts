import { spawn } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from '../core/index.js';
import { sha256File } from './manifest.js';

export const PACKAGE_FORMAT = 'firedrill-package/1';
const MAGIC = Buffer.from('FDPKG1\n');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The sidecar that travels with a package: what it is and how to check it before anything is decrypted. */
export interface PackageInfo {
  format: typeof PACKAGE_FORMAT;
  artifact: string;
  file: string;
  bytes: number;
  sha256: string;
  compression: 'zstd';
  cipher: 'aes-256-gcm';
  keyFingerprint: string;
  createdAt: string;
  timings: { packMs: number };
}

/** A package a restore must not use; the message says why, and nothing was restored. */
export class PackageRejectedError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`package ${basename(file)} refused: ${reason}`);
    this.name = 'PackageRejectedError';
  }
}

export const keyFingerprint = (key: Buffer) => createHash('sha256').update('firedrill-artifact-key\0').update(key).digest('hex').slice(0, 16);

/** Reads the 32-byte key from FIREDRILL_ARTIFACT_KEY (hex or base64) or the file FIREDRILL_ARTIFACT_KEY_FILE names. */
export async function loadKey(env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  let text = env['FIREDRILL_ARTIFACT_KEY'];
  if (!text && env['FIREDRILL_ARTIFACT_KEY_FILE']) {
    try { text = (await readFile(env['FIREDRILL_ARTIFACT_KEY_FILE'], 'utf8')).trim(); } catch { throw new UsageError(`cannot read the key file ${env['FIREDRILL_ARTIFACT_KEY_FILE']}`); }
  }
  if (!text) throw new UsageError('no artifact key: set FIREDRILL_ARTIFACT_KEY or FIREDRILL_ARTIFACT_KEY_FILE (32 bytes, hex or base64)');
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new UsageError('the artifact key must be 32 bytes (64 hex characters or base64)');
  return key;
}

/** Spawns an argv command whose exit is awaited with the streams (no shell, no pipes through one). */
function proc(argv: readonly string[]) {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => { err = (err + b.toString()).slice(-2000); });
  const done = new Promise<void>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => (code === 0 ? res() : rej(new Error(`${argv.join(' ')} exited ${code}: ${err.trim()}`))));
  });
  return { stdin: child.stdin as Writable, stdout: child.stdout as Readable, done };
}

/** Packs an artifact folder: tar → zstd → AES-256-GCM, into `outDir/<id>.tar.zst.enc` plus its sidecar. */
export async function packArtifact(artifactDir: string, outDir: string, key: Buffer): Promise<PackageInfo> {
  const t0 = Date.now();
  const id = basename(artifactDir);
  const file = join(outDir, `${id}.tar.zst.enc`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const tar = proc(['tar', '-C', artifactDir, '-cf', '-', '.']);
  const zstd = proc(['zstd', '-q', '-3', '-T0', '-c']);
  tar.stdin.end();
  const out = createWriteStream(file);
  out.write(Buffer.concat([MAGIC, iv]));
  await Promise.all([pipeline(tar.stdout, zstd.stdin), pipeline(zstd.stdout, cipher, out, { end: false }), tar.done, zstd.done]);
  await new Promise<void>((res, rej) => out.end(cipher.getAuthTag(), (e?: Error | null) => (e ? rej(e) : res())));
  const info: PackageInfo = {
    format: PACKAGE_FORMAT, artifact: id, file: basename(file), bytes: (await stat(file)).size, sha256: await sha256File(file),
    compression: 'zstd', cipher: 'aes-256-gcm', keyFingerprint: keyFingerprint(key), createdAt: new Date().toISOString(),
    timings: { packMs: Date.now() - t0 },
  };
  await writeFile(sidecarOf(file), JSON.stringify(info, null, 2) + '\n');
  return info;
}

export const sidecarOf = (file: string) => file.replace(/\.tar\.zst\.enc$/, '') + '.package.json';

/**
 * Checks a package before decrypting anything (size, sha256, key fingerprint), then decrypts into a private
 * folder and accepts it only once the GCM tag verified. Returns the unpacked artifact folder.
 */
export async function unpackArtifact(file: string, key: Buffer, destParent: string): Promise<string> {
  let info: PackageInfo;
  try { info = JSON.parse(await readFile(sidecarOf(file), 'utf8')) as PackageInfo; } catch { throw new PackageRejectedError(file, 'its sidecar (.package.json) is missing or unreadable'); }
  if (info.format !== PACKAGE_FORMAT) throw new PackageRejectedError(file, `unknown format ${String(info.format)}`);
  const size = await stat(file).then((s) => s.size, () => -1);
  if (size !== info.bytes) throw new PackageRejectedError(file, `${size} bytes, the sidecar says ${info.bytes} (truncated or extended)`);
  if ((await sha256File(file)) !== info.sha256) throw new PackageRejectedError(file, 'sha256 differs from the sidecar (the file was altered)');
  if (keyFingerprint(key) !== info.keyFingerprint) throw new PackageRejectedError(file, 'the key does not match the one it was encrypted with');
  const fh = await open(file, 'r');
  const head = Buffer.alloc(MAGIC.length + IV_BYTES);
  const tag = Buffer.alloc(TAG_BYTES);
  await fh.read(head, 0, head.length, 0);
  await fh.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  await fh.close();
  if (!head.subarray(0, MAGIC.length).equals(MAGIC)) throw new PackageRejectedError(file, 'not a firedrill package');
  const decipher = createDecipheriv('aes-256-gcm', key, head.subarray(MAGIC.length));
  decipher.setAuthTag(tag);
  const work = await mkdtemp(join(destParent, '.unpack-'));
  try {
    const zstd = proc(['zstd', '-q', '-d', '-c']);
    const tar = proc(['tar', '-C', work, '-xf', '-']);
    await Promise.all([
      pipeline(createReadStream(file, { start: head.length, end: size - TAG_BYTES - 1 }), decipher, zstd.stdin),
      pipeline(zstd.stdout, tar.stdin), zstd.done, tar.done,
    ]).catch((e: Error) => { throw new PackageRejectedError(file, /auth|unable to authenticate/i.test(e.message) ? 'authentication failed (wrong key or altered data)' : `cannot be unpacked: ${e.message}`); });
    const dest = join(destParent, info.artifact);
    await rm(dest, { recursive: true, force: true });
    await rename(work, dest);
    return dest;
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}

/** The backup store's remote side: uploading and downloading a package with its sidecar. */
export async function copyPackage(file: string, toDir: string): Promise<string> {
  const dest = join(toDir, basename(file));
  await writeFile(dest, await readFile(file));
  await writeFile(sidecarOf(dest), await readFile(sidecarOf(file)));
  return dest;
}
