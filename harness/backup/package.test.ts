import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../core/index.js';
import { sha256File } from './manifest.js';
import { copyPackage, keyFingerprint, loadKey, packArtifact, PackageRejectedError, sidecarOf, unpackArtifact } from './package.js';

let dir: string;
const key = randomBytes(32);

async function artifact(): Promise<string> {
  const a = join(dir, 'mariabackup-x-1');
  await mkdir(join(a, 'data', 'sakila'), { recursive: true });
  await writeFile(join(a, 'data', 'ibdata1'), randomBytes(200_000));
  await writeFile(join(a, 'data', 'sakila', 'actor.ibd'), 'pages');
  await writeFile(join(a, 'manifest.json'), '{"format":"firedrill-artifact/1"}\n');
  return a;
}

beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'fd-pkg-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('artifact packages (zstd + AES-256-GCM + sha256 sidecar)', () => {
  it('round-trip through the remote store: every byte comes back', async () => {
    const a = await artifact();
    await mkdir(join(dir, 'remote')); await mkdir(join(dir, 'back'));
    const info = await packArtifact(a, dir, key);
    expect(info).toMatchObject({ cipher: 'aes-256-gcm', compression: 'zstd', keyFingerprint: keyFingerprint(key) });
    const remote = await copyPackage(join(dir, info.file), join(dir, 'remote'));
    const out = await unpackArtifact(remote, key, join(dir, 'back'));
    for (const f of ['data/ibdata1', 'data/sakila/actor.ibd', 'manifest.json']) {
      expect(await sha256File(join(out, f))).toBe(await sha256File(join(a, f)));
    }
  });

  const packed = async () => { const info = await packArtifact(await artifact(), dir, key); await mkdir(join(dir, 'back')); return join(dir, info.file); };
  const refused = async (file: string, k: Buffer, re: RegExp) => {
    const e = await unpackArtifact(file, k, join(dir, 'back')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PackageRejectedError);
    expect((e as Error).message).toMatch(re);
  };

  it('refuses one flipped byte', async () => {
    const f = await packed();
    const b = await readFile(f); b[Math.floor(b.length / 2)]! ^= 0x01; await writeFile(f, b);
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
  it('refuses altered ciphertext even with a forged sidecar: the GCM tag fails, nothing is left behind', async () => {
    const f = await packed();
    const b = await readFile(f); b[100]! ^= 0x01; await writeFile(f, b);
    const side = JSON.parse(await readFile(sidecarOf(f), 'utf8'));
    await writeFile(sidecarOf(f), JSON.stringify({ ...side, sha256: await sha256File(f) }));
    await refused(f, key, /authentication failed|cannot be unpacked/);
    expect(await readdir(join(dir, 'back'))).toEqual([]);
  });
});

describe('artifact key', () => {
  it('comes from the environment (hex or base64) or a key file, never argv', async () => {
    const k = randomBytes(32);
    expect((await loadKey({ FIREDRILL_ARTIFACT_KEY: k.toString('hex') })).equals(k)).toBe(true);
    expect((await loadKey({ FIREDRILL_ARTIFACT_KEY: k.toString('base64') })).equals(k)).toBe(true);
    const f = join(dir, 'key'); await writeFile(f, k.toString('hex') + '\n', { mode: 0o600 });
    expect((await loadKey({ FIREDRILL_ARTIFACT_KEY_FILE: f })).equals(k)).toBe(true);
  });
  it('refuses a missing or short key with a usage error', async () => {
    await expect(loadKey({})).rejects.toThrow(UsageError);
    await expect(loadKey({ FIREDRILL_ARTIFACT_KEY: 'abcd' })).rejects.toThrow(/32 bytes/);
  });
});
