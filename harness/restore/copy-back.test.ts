import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupMethods, methodByName } from '../backup/index.js';
import { copyTreeAs } from './copy-back.js';

let src: string;
let dest: string;
beforeEach(async () => {
  src = await mkdtemp(join(tmpdir(), 'fd-copy-src-'));
  dest = await mkdtemp(join(tmpdir(), 'fd-copy-dest-'));
});
afterEach(async () => {
  await rm(src, { recursive: true, force: true });
  await rm(dest, { recursive: true, force: true });
});

const isRoot = process.getuid?.() === 0;

describe('copyTreeAs', { timeout: 30_000 }, () => {
  it('copies every file and folder with its bytes and mode', async () => {
    await mkdir(join(src, 'sakila'), { mode: 0o700 });
    await writeFile(join(src, 'ibdata1'), Buffer.alloc(256 << 10, 7));
    await writeFile(join(src, 'sakila', 'actor.ibd'), 'actor pages');
    await chmod(join(src, 'sakila', 'actor.ibd'), 0o640);
    await writeFile(join(src, 'empty'), '');
    const me = { uid: process.getuid!(), gid: process.getgid!() };
    expect(await copyTreeAs(src, dest, me)).toEqual({ files: 3, bytes: (256 << 10) + 11 });
    expect(await readFile(join(dest, 'ibdata1'))).toEqual(Buffer.alloc(256 << 10, 7));
    expect(await readFile(join(dest, 'sakila', 'actor.ibd'), 'utf8')).toBe('actor pages');
    expect((await stat(join(dest, 'sakila', 'actor.ibd'))).mode & 0o777).toBe(0o640);
    expect((await stat(join(dest, 'sakila'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dest, 'empty'))).size).toBe(0);
  });

  it.runIf(isRoot)("gives every file and folder the server's owner as it writes them", async () => {
    await mkdir(join(src, 'db'));
    await writeFile(join(src, 'db', 't.ibd'), 'x');
    await writeFile(join(src, 'top'), 'y');
    await copyTreeAs(src, dest, { uid: 4242, gid: 4343 });
    for (const p of ['', 'db', join('db', 't.ibd'), 'top']) {
      const s = await stat(join(dest, p));
      expect([p, s.uid, s.gid]).toEqual([p, 4242, 4343]);
    }
  });

  it('refuses to overwrite a file already in the destination', async () => {
    await writeFile(join(src, 'f'), 'new');
    await writeFile(join(dest, 'f'), 'old');
    await expect(copyTreeAs(src, dest, { uid: process.getuid!(), gid: process.getgid!() })).rejects.toThrow(/EEXIST/);
    expect(await readFile(join(dest, 'f'), 'utf8')).toBe('old');
  });
});

describe('which artifacts the harness copies itself', () => {
  it('every physical method whose artifact is a ready datadir says so through the registry (else restores fall back to one-shot containers)', () => {
    for (const m of backupMethods().filter((x) => x.kind === 'physical')) {
      expect([m.name, methodByName(m.name).datadirAsIs]).toEqual([m.name, true]);
    }
  });
});
