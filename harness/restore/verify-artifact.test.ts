import { mkdtemp, mkdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
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
    format: MANIFEST_FORMAT,
    id: 'a1',
    method: 'mariabackup',
    flavor: 'mariadb-10.11',
    serverVersion: '10.11.18',
    source: { node: 'backup-replica', serverId: 3 },
    createdAt: '2026-11-22T00:00:00.000Z',
    position: { gtid: '0-1-42', snapshotGtid: '0-1-42' },
    snapshot: {
      takenAt: '2026-11-22T00:00:00.000Z',
      databases: ['sakila'],
      tables: { 'sakila.actor': { checksum: '1', checkOk: true, checkMessages: ['status: OK'] } },
      objects: {},
    },
    files,
    totalBytes: files.reduce((s, f) => s + f.bytes, 0),
    timings: { backupMs: 1 },
  };
  await writeManifest(dir, m);
  return m;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-artifact-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

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
  it('refuses a symlink in the artifact, even one the manifest lists (the restore would follow or copy it)', async () => {
    const m = await makeArtifact();
    await rm(join(dir, DATA_DIR, 'sakila', 'actor.ibd'));
    await symlink('/etc/shadow', join(dir, DATA_DIR, 'sakila', 'actor.ibd'));
    await writeManifest(dir, m);
    await refused(/actor.ibd: a symlink, not a regular file/);
  });
  it('refuses a special file (a unix socket)', async () => {
    await makeArtifact();
    const server = createServer();
    await new Promise<void>((r) => server.listen(join(dir, DATA_DIR, 'sock'), () => r()));
    try {
      await refused(/sock: a socket/);
    } finally {
      server.close();
    }
  });
  it('refuses a manifest that lists no file', async () => {
    const m = await makeArtifact();
    await rm(join(dir, DATA_DIR), { recursive: true });
    await mkdir(join(dir, DATA_DIR));
    await writeManifest(dir, { ...m, files: [], totalBytes: 0 });
    await refused(/lists no file/);
  });
  it('refuses a manifest naming a path outside the artifact', async () => {
    const m = await makeArtifact();
    await writeManifest(dir, { ...m, files: [...m.files, { path: '../victim', bytes: 1, sha256: '0'.repeat(64) }] });
    await refused(/bad file path/);
  });
});

describe('artifact privacy', () => {
  it('partial artifact folders are private (0700) and owned by the server user given', async () => {
    const { makePartial, openStore, removePartial } = await import('../backup/store.js');
    const store = await openStore(join(dir, 'store'));
    expect((await stat(store.hostDir)).mode & 0o777).toBe(0o711);
    const p = await makePartial(store, 'clone-x-1', { uid: 4242, gid: 4343 });
    const st = await stat(p);
    expect(st.mode & 0o777).toBe(0o700);
    expect([st.uid, st.gid]).toEqual([4242, 4343]);
    await writeFile(join(p, 'f'), 'x');
    await removePartial(p);
    await expect(stat(p)).rejects.toThrow();
  });
  it('an artifact id that is a path is refused before it becomes one', async () => {
    const { artifactPath, openStore } = await import('../backup/store.js');
    const store = await openStore(join(dir, 'store'));
    expect(() => artifactPath(store, '../victim')).toThrow(/not an artifact id/);
  });
  it('replication passwords are stripped from a datadir copy; what cannot be stripped marks it secret', async () => {
    const { stripSecrets } = await import('../backup/from-replica.js');
    const d = join(dir, 'copy');
    await mkdir(d);
    for (const f of ['master.info', 'relay-log.info', 'multi-master.info', 'master-a.info', 'relay-log-a.info', 'mysql.ibd', 'ibdata1'])
      await writeFile(join(d, f), 'x');
    const r = await stripSecrets(d);
    expect(r.stripped.sort()).toEqual(['master-a.info', 'master.info', 'multi-master.info', 'relay-log-a.info', 'relay-log.info']);
    expect(r.remaining).toEqual([expect.stringContaining('mysql.ibd')]);
    await expect((await import('node:fs/promises')).readdir(d).then((l) => l.sort())).resolves.toEqual(['ibdata1', 'mysql.ibd']);
  });
});
