/** Unpacking a firedrill package: every check before any byte is decrypted, each chunk authenticated before it is used. */
import { createReadStream } from 'node:fs';
import { chmod, lstat, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import { sha256File } from './manifest.js';
import { canonical, ChunkOpen, sidecarVerdict, subKey, TAG_BYTES } from './package-crypto.js';
import { PACKAGE_FORMAT, PackageRejectedError, readHead, scanTree, sidecarOf, toolDeadline, type PackageInfo } from './package.js';

/** Reads and authenticates a sidecar; every failure is a refusal that says why. */
async function readSidecar(file: string, key: Buffer): Promise<PackageInfo> {
  let info: PackageInfo;
  try {
    info = JSON.parse(await readFile(sidecarOf(file), 'utf8')) as PackageInfo;
  } catch {
    throw new PackageRejectedError(file, 'its sidecar (.package.json) is missing or unreadable');
  }
  if (info.format !== PACKAGE_FORMAT) throw new PackageRejectedError(file, `unknown format ${String(info.format)}`);
  const verdict = sidecarVerdict(info, key);
  if (verdict === 'other-key') throw new PackageRejectedError(file, 'the key does not match the one it was encrypted with');
  if (verdict === 'forged') throw new PackageRejectedError(file, 'its sidecar is not authenticated by the key (a field was altered)');
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
