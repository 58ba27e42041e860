/** Packing an artifact folder into a firedrill package (tar → zstd → sealed chunks) with its authenticated sidecar. */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import { readManifest, sha256File } from './manifest.js';
import { canonical, ChunkSeal, keyFingerprint, NONCE_PREFIX_BYTES, sidecarMac, subKey } from './package-crypto.js';
import {
  CHUNK_BYTES,
  MAGIC,
  PACKAGE_FORMAT,
  scanTree,
  sidecarOf,
  toolDeadline,
  type PackageHeader,
  type PackageInfo,
  type PackagePoint,
} from './package.js';

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

/** The artifact's point from its manifest.json (a folder without a readable manifest has none). */
async function pointOf(artifactDir: string): Promise<PackagePoint | undefined> {
  try {
    const m = await readManifest(artifactDir);
    return { method: m.method, flavor: m.flavor, gtid: m.position.gtid, createdAt: m.createdAt, totalBytes: m.totalBytes };
  } catch {
    return undefined;
  }
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
  const point = await pointOf(artifactDir);
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
    ...(point ? { point } : {}),
    timings: { packMs: Date.now() - t0 },
  } as const;
  const info: PackageInfo = { ...unsigned, mac: sidecarMac(unsigned, key) };
  await writeFile(sidecarOf(file), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  return info;
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
