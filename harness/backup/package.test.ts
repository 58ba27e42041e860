import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../core/index.js';
import { sha256File } from './manifest.js';
import { keyFingerprint, loadKey, sidecarMac } from './package-crypto.js';
import { packArtifact, packTree, resealSidecar } from './package-pack.js';
import { unpackArtifact } from './package-unpack.js';
import { CHUNK_BYTES, copyPackage, dataOffset, PackageRejectedError, sidecarOf } from './package.js';

let dir: string;
const key = randomBytes(32);

async function artifact(big = 200_000): Promise<string> {
  const a = join(dir, 'mariabackup-x-1');
  await mkdir(join(a, 'data', 'sakila'), { recursive: true });
  await writeFile(join(a, 'data', 'ibdata1'), randomBytes(big));
  await writeFile(join(a, 'data', 'sakila', 'actor.ibd'), 'pages');
  await writeFile(join(a, 'manifest.json'), '{"format":"firedrill-artifact/1"}\n');
  return a;
}

/** A manifest.json as the backup methods write it (the fields the packer reads, and the ones parseManifest needs). */
const manifestOf = (gtid: string) => ({
  format: 'firedrill-artifact/1',
  id: 'mariabackup-x-1',
  method: 'mariabackup',
  flavor: 'mariadb-10.11',
  createdAt: '2026-12-01T02:10:00.000Z',
  position: { gtid, snapshotGtid: gtid },
  snapshot: {},
  files: [],
  totalBytes: 200_005,
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-pkg-'));
  await mkdir(join(dir, 'back'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const dest = () => join(dir, 'back', 'restored-artifact');
const packed = async (big?: number) => {
  const info = await packArtifact(await artifact(big), dir, key);
  return join(dir, info.file);
};
const refused = async (file: string, k: Buffer, re: RegExp) => {
  const e = await unpackArtifact(file, k, dest()).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(PackageRejectedError);
  expect((e as Error).message).toMatch(re);
  expect(await readdir(join(dir, 'back'))).toEqual([]); // nothing reached its place, no staging left
};

describe('artifact packages (zstd + chunked AES-256-GCM, sidecar authenticated with the key)', () => {
  it('round-trip through the remote store: every byte comes back, at the place the caller names', async () => {
    const a = await artifact(3 * CHUNK_BYTES + 12345); // several chunks
    await mkdir(join(dir, 'remote'));
    const info = await packArtifact(a, dir, key);
    expect(info).toMatchObject({ cipher: 'aes-256-gcm-chunked', compression: 'zstd', keyFingerprint: keyFingerprint(key) });
    expect((await stat(join(dir, info.file))).mode & 0o777).toBe(0o600);
    const remote = await copyPackage(join(dir, info.file), join(dir, 'remote'));
    const out = await unpackArtifact(remote, key, dest());
    expect(out).toBe(dest());
    for (const f of ['data/ibdata1', 'data/sakila/actor.ibd', 'manifest.json']) {
      expect(await sha256File(join(out, f))).toBe(await sha256File(join(a, f)));
    }
  });

  it('refuses one flipped byte (sha256 of the authenticated sidecar)', async () => {
    const f = await packed();
    const b = await readFile(f);
    b[Math.floor(b.length / 2)]! ^= 0x01;
    await writeFile(f, b);
    await refused(f, key, /sha256 differs/);
  });
  it('refuses a truncated package', async () => {
    const f = await packed();
    await truncate(f, 1000);
    await refused(f, key, /truncated/);
  });
  it('refuses the wrong key', async () => {
    await refused(await packed(), randomBytes(32), /key does not match/);
  });
  it('refuses a sidecar whose fields were altered without the key (its sha256 and size recomputed, or any field)', async () => {
    const f = await packed();
    const b = await readFile(f);
    b[b.length - 40]! ^= 0x01;
    await writeFile(f, b);
    const side = JSON.parse(await readFile(sidecarOf(f), 'utf8'));
    await writeFile(sidecarOf(f), JSON.stringify({ ...side, sha256: await sha256File(f) }));
    await refused(f, key, /not authenticated by the key/);
    await writeFile(sidecarOf(f), JSON.stringify({ ...side, artifact: '../victim' }));
    await refused(f, key, /not authenticated by the key/);
  });
  it('never makes a path of a name in the sidecar: "artifact": "../victim", even authenticated, deletes nothing', async () => {
    const victim = join(dir, 'victim');
    await mkdir(victim);
    await writeFile(join(victim, 'keep'), 'precious');
    const f = await packed();
    const side = JSON.parse(await readFile(sidecarOf(f), 'utf8'));
    const forged = { ...side, artifact: '../victim' };
    await writeFile(sidecarOf(f), JSON.stringify({ ...forged, mac: sidecarMac(forged, key) }));
    expect(await unpackArtifact(f, key, dest())).toBe(dest());
    expect(await readFile(join(victim, 'keep'), 'utf8')).toBe('precious');
  });
  it('a ciphertext byte flipped before the sidecar was made (sha256 and MAC recomputed): only AES-GCM catches it, before tar sees a byte of that chunk', async () => {
    const f = await packed(3 * CHUNK_BYTES);
    const b = await readFile(f);
    b[(await dataOffset(f)) + CHUNK_BYTES + 100]! ^= 0x01; // in the second chunk
    await writeFile(f, b);
    await resealSidecar(f, key);
    await refused(f, key, /authentication failed/);
  });
  it('a package cut at a chunk boundary (sidecar resealed) lacks its last chunk: refused by the tag', async () => {
    const f = await packed(3 * CHUNK_BYTES);
    await truncate(f, (await dataOffset(f)) + CHUNK_BYTES + 16);
    await resealSidecar(f, key);
    await refused(f, key, /authentication failed/);
  });
  it('refuses to pack an artifact with a symlink or with no file', async () => {
    const a = await artifact();
    await symlink('/etc/passwd', join(a, 'data', 'link'));
    await expect(packArtifact(a, dir, key)).rejects.toThrow(/symlink data\/link/);
    const empty = join(dir, 'empty');
    await mkdir(join(empty, 'data'), { recursive: true });
    await expect(packArtifact(empty, dir, key)).rejects.toThrow(/holds no file/);
  });
  it("records the artifact's point (from its manifest) in the sidecar, under the MAC: altered without the key, refused", async () => {
    const a = await artifact();
    await writeFile(join(a, 'manifest.json'), JSON.stringify(manifestOf('0-1-42')));
    const info = await packArtifact(a, dir, key);
    const side = JSON.parse(await readFile(sidecarOf(join(dir, info.file)), 'utf8'));
    expect(side.point).toEqual({
      method: 'mariabackup',
      flavor: 'mariadb-10.11',
      gtid: '0-1-42',
      createdAt: '2026-12-01T02:10:00.000Z',
      totalBytes: 200_005,
    });
    await writeFile(sidecarOf(join(dir, info.file)), JSON.stringify({ ...side, point: { ...side.point, gtid: '0-1-99' } }));
    await refused(join(dir, info.file), key, /not authenticated by the key/);
  });
  it('an artifact without a readable manifest is packed without a point', async () => {
    expect((await packArtifact(await artifact(), dir, key)).point).toBeUndefined();
  });
  it('still accepts a sidecar made before the point was recorded (no point, MAC over the old fields)', async () => {
    const a = await artifact();
    await writeFile(join(a, 'manifest.json'), JSON.stringify(manifestOf('0-1-42')));
    const f = join(dir, (await packArtifact(a, dir, key)).file);
    const { point: _p, mac: _m, ...old } = JSON.parse(await readFile(sidecarOf(f), 'utf8'));
    await writeFile(sidecarOf(f), JSON.stringify({ ...old, mac: sidecarMac(old, key) }));
    expect(await unpackArtifact(f, key, dest())).toBe(dest());
  });
  it('refuses an authenticated package that holds a symlink (made by a packer without the checks)', async () => {
    const a = await artifact();
    await symlink('/etc', join(a, 'data', 'etc'));
    const info = await packTree(a, dir, key, ['manifest.json']);
    await refused(join(dir, info.file), key, /symlink data\/etc/);
  });
});

describe('artifact key', () => {
  it('comes from the environment (hex or base64) or a key file, never argv', async () => {
    const k = randomBytes(32);
    expect((await loadKey({ FIREDRILL_ARTIFACT_KEY: k.toString('hex') })).equals(k)).toBe(true);
    expect((await loadKey({ FIREDRILL_ARTIFACT_KEY: k.toString('base64') })).equals(k)).toBe(true);
    const f = join(dir, 'key');
    await writeFile(f, k.toString('hex') + '\n', { mode: 0o600 });
    expect((await loadKey({ FIREDRILL_ARTIFACT_KEY_FILE: f })).equals(k)).toBe(true);
  });
  it('refuses a missing or short key with a usage error', async () => {
    await expect(loadKey({})).rejects.toThrow(UsageError);
    await expect(loadKey({ FIREDRILL_ARTIFACT_KEY: 'abcd' })).rejects.toThrow(/32 bytes/);
  });
});
