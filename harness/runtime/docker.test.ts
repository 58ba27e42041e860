import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../exec/index.js';
import { dockerDeadline, DOCKER_CONTROL_TIMEOUT_MS, inContainerDeadline, tarOf } from './docker.js';
import { firstFileOfTar } from './node-logs.js';

describe('tarOf (docker cp - without a file on the host)', () => {
  it('builds an archive GNU tar reads back byte for byte, with its mode', async () => {
    const d = await mkdtemp(join(tmpdir(), 'fd-tar-'));
    try {
      const secret = '[client]\npassword=s3cr\u00e9t\n';
      await run(['tar', '-x', '-C', d, '-f', '-'], {
        input: tarOf([
          { name: 'stream.cnf', content: secret, mode: 0o600 },
          { name: 'b.bin', content: Buffer.alloc(1500, 7) },
        ]),
      });
      expect(await readFile(join(d, 'stream.cnf'), 'utf8')).toBe(secret);
      expect((await stat(join(d, 'stream.cnf'))).mode & 0o777).toBe(0o600);
      expect((await readFile(join(d, 'b.bin'))).equals(Buffer.alloc(1500, 7))).toBe(true);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
  it('makes a new folder with its own mode, holding private files (how option files reach a created container)', async () => {
    const d = await mkdtemp(join(tmpdir(), 'fd-tar-'));
    try {
      await run(['tar', '-x', '-C', d, '-f', '-'], {
        input: tarOf([
          { name: 'fd-files', dir: true, mode: 0o750 },
          { name: 'fd-files/client.cnf', content: 'password=x\n', mode: 0o600 },
        ]),
      });
      expect((await stat(join(d, 'fd-files'))).mode & 0o777).toBe(0o750);
      expect((await stat(join(d, 'fd-files/client.cnf'))).mode & 0o777).toBe(0o600);
      expect(await readFile(join(d, 'fd-files/client.cnf'), 'utf8')).toBe('password=x\n');
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
  it('reads back the first file of an archive GNU tar made (what docker cp <c>:<file> - gives)', async () => {
    const d = await mkdtemp(join(tmpdir(), 'fd-tar-'));
    try {
      const text = '2026-12-06 [ERROR] InnoDB: é\n'.repeat(40);
      await writeFile(join(d, 'error.log'), text);
      const r = await run(['tar', '-c', '-C', d, '-f', '-', 'error.log']);
      expect(firstFileOfTar(Buffer.from(r.stdout, 'utf8')).toString('utf8')).toBe(text);
      expect(() => firstFileOfTar(Buffer.alloc(1024))).toThrow(/no file/);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
  it('refuses names that would be paths', () => {
    expect(() => tarOf([{ name: '../x', content: '' }])).toThrow(/bad file name/);
    expect(() => tarOf([{ name: '..', content: '' }])).toThrow(/bad file name/);
    expect(() => tarOf([{ name: '/etc/x', content: '' }])).toThrow(/bad file name/);
    expect(() => tarOf([{ name: 'a/../../x', content: '' }])).toThrow(/bad file name/);
  });
});

describe('deadlines of docker calls', () => {
  it('control calls get a short deadline, commands that run programs the long one', () => {
    expect(dockerDeadline(['inspect', 'x'])).toBe(DOCKER_CONTROL_TIMEOUT_MS);
    expect(dockerDeadline(['run', '-d', 'img'])).toBe(DOCKER_CONTROL_TIMEOUT_MS);
    expect(dockerDeadline(['exec', 'c', 'mariadb-backup'])).toBeGreaterThan(DOCKER_CONTROL_TIMEOUT_MS);
    expect(inContainerDeadline(1500)).toEqual(['timeout', '--kill-after=5', '2s']);
  });
});
