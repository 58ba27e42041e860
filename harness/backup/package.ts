/**
 * The firedrill package format: an artifact folder as tar → zstd → chunked AES-256-GCM in one file (magic, header,
 * sealed chunks) with an authenticated sidecar. Sealing is in package-crypto.ts, packing in package-pack.ts,
 * unpacking in package-unpack.ts.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';

export const PACKAGE_FORMAT = 'firedrill-package/2';
export const MAGIC = Buffer.from('FDPKG2\n');
export const CHUNK_BYTES = 1 << 20;
/** tar, zstd: a deadline per MiB (plus a floor), so a stuck tool ends the step with an error instead of a hang. */
export const toolDeadline = (bytes: number) => 120_000 + Math.ceil(bytes / (1 << 20)) * 2_000;

/**
 * The package's header, in the file and in the sidecar, authenticated as associated data of every chunk: what it is
 * and how it was sealed. The artifact id is a label only: it never becomes a path.
 */
export interface PackageHeader {
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
 * The packed artifact's point, copied from its manifest.json when it was packed: what a backup location's scan
 * (`chain verify`) reads instead of the package body. Sidecars made before it was recorded have none.
 */
export interface PackagePoint {
  method: string;
  flavor: string;
  /** The artifact's own GTID position (its manifest's `position.gtid`). */
  gtid: string;
  /** When the backup was taken (the manifest's `createdAt`, not the packing time). */
  createdAt: string;
  /** The artifact's bytes before packing. */
  totalBytes: number;
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
  /** Authenticated like every field; absent in sidecars made before it was recorded (still accepted). */
  point?: PackagePoint;
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

export const PACKAGE_SUFFIX = '.tar.zst.enc';
export const SIDECAR_SUFFIX = '.package.json';
export const sidecarOf = (file: string) => file.replace(/\.tar\.zst\.enc$/, '') + SIDECAR_SUFFIX;

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

export async function readHead(file: string): Promise<{ headerBytes: Buffer; dataStart: number } | undefined> {
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
