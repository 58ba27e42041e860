import { mkdtemp, mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_DIR, hashTree, MANIFEST_FILE, MANIFEST_FORMAT, parseManifest, readManifest, type Manifest } from '../backup/index.js';
import { writeManifest } from '../backup/manifest.js';
import { ArtifactRejectedError, verifyArtifact } from './verify-artifact.js';

let dir: string;

async function makeArtifact(): Promise<Manifest> {
  await mkdir(join(dir, DATA_DIR, 'sakila'), { recursive: true });
  await writeFile(join(dir, DATA_DIR, 'ibdata1'), Buffer.alloc(4096, 7));
  await writeFile(join(dir, DATA_DIR, 'sakila', 'actor.ibd'), 'actor pages');
  await writeFile(join(dir, DATA_DIR, 'mariadb_backup_slave_info'), "SET GLOBAL gtid_slave_pos = '0-1-42';\n");
  const files = await hashTree(join(dir, DATA_DIR));
  const m: Manifest = {
    format: MANIFEST_FORMAT, id: 'a1', method: 'mariabackup', flavor: 'mariadb-10.11', serverVersion: '10.11.18',
    source: { node: 'backup-replica', serverId: 3 }, createdAt: '2026-11-22T00:00:00.000Z',
    position: { gtid: '0-1-42', snapshotGtid: '0-1-42' },
    snapshot: { takenAt: '2026-11-22T00:00:00.000Z', databases: ['sakila'], tables: { 'sakila.actor': { checksum: '1', checkOk: true, checkMessages: ['status: OK'] } }, objects: {} },
    files, totalBytes: files.reduce((s, f) => s + f.bytes, 0), timings: { backupMs: 1 },
  };
  await writeManifest(dir, m);
  return m;
}

beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'fd-artifact-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('artifact manifest', () => {
  it('round-trips through its file', async () => {
    const m = await makeArtifact();
    expect(await readManifest(dir)).toEqual(m);
    expect(m.files.map((f) => f.path)).toEqual(['ibdata1', 'mariadb_backup_slave_info', 'sakila/actor.ibd']);
    expect(m.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
  it('refuses a file that is not a firedrill manifest', () => {
    expect(() => parseManifest('{"format":"other"}')).toThrow(/not a firedrill manifest/);
    expect(() => parseManifest(JSON.stringify({ format: MANIFEST_FORMAT, id: 'x' }))).toThrow(/lacks 'method'/);
  });
});

describe('verifyArtifact', () => {
  it('accepts an intact artifact', async () => {
    const m = await makeArtifact();
    expect((await verifyArtifact(dir)).id).toBe(m.id);
  });

  const refused = async (re: RegExp) => {
    const e = await verifyArtifact(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ArtifactRejectedError);
    expect((e as Error).message).toMatch(re);
  };

  it('refuses a flipped byte', async () => {
    await makeArtifact();
    const p = join(dir, DATA_DIR, 'ibdata1');
    const b = await readFile(p);
    b[100] = b[100]! ^ 0xff;
    await writeFile(p, b);
    await refused(/ibdata1: sha256 differs/);
  });
  it('refuses a truncated file', async () => {
    await makeArtifact();
    await truncate(join(dir, DATA_DIR, 'sakila', 'actor.ibd'), 3);
    await refused(/actor.ibd: 3 bytes, manifest says 11/);
  });
  it('refuses a missing file and a file the manifest does not list', async () => {
    await makeArtifact();
    await rm(join(dir, DATA_DIR, 'ibdata1'));
    await writeFile(join(dir, DATA_DIR, 'stray'), 'x');
    await refused(/ibdata1: missing.*stray: not in the manifest/);
  });
  it('refuses a half-written artifact with no manifest', async () => {
    await makeArtifact();
    await rm(join(dir, MANIFEST_FILE));
    await refused(/manifest unreadable/);
  });
});
